package dev.growlog;

import dev.growlog.internal.chain.Chain;
import dev.growlog.internal.file.LogFile;
import dev.growlog.internal.file.OrderedLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opening a file of the chain for reading while other threads change the chain: two threads
 * that open the same file at once get the same open file, and a file that a sync has just closed
 * (retired) is never handed out, but opened again once the retirement is over.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChainFileAtTest {
    static final long SPAN = ChainTest.SPAN;

    @TempDir
    Path dir;

    private final PausingSyscalls sys = new PausingSyscalls();
    private final List<Long> positions = new ArrayList<>();

    private void appendUntilFile(GrowLog log, long index) throws IOException {
        while (positions.isEmpty() || positions.get(positions.size() - 1) < index * SPAN) {
            positions.add(log.append(Payloads.numbered(positions.size(), 1000)));
        }
    }

    private static Thread start(String name, FutureTask<?> future) {
        Thread thread = new Thread(future, name);
        thread.setDaemon(true);
        return thread;
    }

    @Test
    void twoThreadsOpeningTheSameFile_getTheSameOpenFile() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("log"), ChainTest.ROLLING, sys)) {
            appendUntilFile(log, 2);
            log.sync(); // retires the sealed files: file 0 is no longer open
            Chain chain = log.chain();

            FutureTask<LogFile> first = new FutureTask<>(() -> chain.fileAt(0));
            Thread opener = start("first-opener", first);
            PausingSyscalls.Pause pause = sys.pauseAfter(PausingSyscalls.Call.SIZE, opener);
            opener.start();
            pause.awaitReached(); // opening file 0, under the chain lock

            FutureTask<LogFile> second = new FutureTask<>(() -> chain.fileAt(0));
            Thread waiter = start("second-opener", second);
            waiter.start();
            Await.waitingIn(waiter, OrderedLock.class, "lockOrRefuse");
            pause.resume();

            LogFile opened = first.get(30, TimeUnit.SECONDS);
            assertThat(second.get(30, TimeUnit.SECONDS)).as("the file the second thread got").isSameAs(opened);
            assertThat(opened.isClosed()).isFalse();
            assertThat(chain.openFiles()).filteredOn(f -> f.index() == 0).containsExactly(opened);
        }
    }

    @Test
    void aFileClosedByASyncThatRetiresIt_isNotHandedOut_butOpenedAgainAfter() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("log"), ChainTest.ROLLING, sys)) {
            appendUntilFile(log, 1); // file 0 sealed, waiting for its sync
            Chain chain = log.chain();
            LogFile sealed = chain.openFiles().stream().filter(f -> f.index() == 0).findFirst().orElseThrow();

            FutureTask<Void> sync = new FutureTask<>(() -> {
                log.sync();
                return null;
            });
            Thread syncer = start("syncer", sync);
            PausingSyscalls.Pause pause = sys.pauseAfter(PausingSyscalls.Call.UNMAP, syncer);
            syncer.start();
            pause.awaitReached(); // file 0 closed, still listed, the chain lock held
            assertThat(sealed.isClosed()).isTrue();

            FutureTask<LogFile> open = new FutureTask<>(() -> chain.fileAt(0));
            Thread reader = start("reader", open);
            reader.start();
            Await.until("the reader got a file or waits for the chain lock",
                    () -> open.isDone() || Await.isWaitingIn(reader, OrderedLock.class, "lockOrRefuse"));
            pause.resume();

            LogFile opened = open.get(30, TimeUnit.SECONDS);
            sync.get(30, TimeUnit.SECONDS);
            assertThat(opened).isNotSameAs(sealed);
            assertThat(opened.isClosed()).as("the file handed out, closed").isFalse();
            assertThat(log.read(positions.get(0))).isEqualTo(Payloads.numbered(0, 1000));
        }
    }
}
