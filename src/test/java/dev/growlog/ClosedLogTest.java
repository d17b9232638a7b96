package dev.growlog;

import dev.growlog.error.ClosedLogException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * After {@code close()} every use of the log or of its readers is a {@link ClosedLogException}
 * (an {@link IllegalStateException}): the mapping is gone, and touching it would crash the JVM.
 */
class ClosedLogTest {
    @TempDir
    Path dir;

    private GrowLog logWithRecords(int count) throws IOException {
        GrowLog log = GrowLog.open(dir.resolve("closed.glog"));
        for (int i = 0; i < count; i++) {
            log.append(Payloads.numbered(i, 64));
        }
        return log;
    }

    @Test
    void everyOperation_afterClose_throwsClosedLogException() throws IOException {
        GrowLog log = logWithRecords(3);
        long start = log.startPosition();
        log.close();

        List<ThrowingCallable> uses = List.of(
                () -> log.append(new byte[] {1}),
                () -> log.append(new byte[] {1, 2}, 0, 1),
                () -> log.append(ByteBuffer.wrap(new byte[] {1})),
                () -> log.read(start),
                () -> log.reader(start),
                () -> log.appendDurable(new byte[] {1}),
                () -> log.append(new RecordBatch().add(new byte[] {1})),
                () -> log.tailer(start),
                () -> log.truncateBefore(start),
                log::verify,
                () -> log.cursor("consumer"),
                log::cursors,
                () -> log.setCursor("consumer", start),
                () -> log.deleteCursor("consumer"),
                log::sync,
                log::stats,
                log::endPosition);
        for (ThrowingCallable use : uses) {
            assertThatThrownBy(use).isInstanceOf(ClosedLogException.class)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }

    @Test
    void toString_namesTheDirectory_andWhetherTheLogIsReadOnlyOrClosed() throws IOException {
        Path logDir = dir.resolve("named").toAbsolutePath();
        GrowLog log = GrowLog.open(logDir);
        assertThat(log).hasToString("GrowLog[" + logDir + "]");
        GrowLog readOnly = GrowLog.openReadOnly(logDir);
        assertThat(readOnly).hasToString("GrowLog[" + logDir + ", read-only]");
        readOnly.close();
        assertThat(readOnly).hasToString("GrowLog[" + logDir + ", read-only, closed]");
        log.close();
        assertThat(log).hasToString("GrowLog[" + logDir + ", closed]");
    }

    @Test
    void close_isIdempotent() throws IOException {
        GrowLog log = logWithRecords(1);
        log.close();
        log.close();
        log.close();
        try (GrowLog again = GrowLog.open(log.directory())) {
            assertThat(again.recoveryReport().cleanShutdown()).isTrue();
            assertThat(again.stats().records()).isEqualTo(1);
        }
    }

    @Test
    void aReader_afterItsLogClosed_throwsClosedLogException_andNeverTouchesTheMapping() throws IOException {
        GrowLog log = logWithRecords(3);
        LogReader reader = log.reader(log.startPosition());
        assertThat(reader.next()).isTrue();
        log.close();

        assertThatThrownBy(reader::next).isInstanceOf(ClosedLogException.class);
        assertThatThrownBy(reader::next).isInstanceOf(ClosedLogException.class);
        // The current record is the reader's own copy: still there or refused, never a crash.
        Throwable copy = catchThrowable(reader::bytes);
        if (copy == null) {
            assertThat(Payloads.numberOf(reader.bytes())).isZero();
        } else {
            assertThat(copy).isInstanceOf(IllegalStateException.class);
        }
        reader.close();
        assertThatThrownBy(reader::next).isInstanceOf(ClosedLogException.class);
    }

    @Test
    void aClosedReader_refusesUse_whileItsLogStaysOpen() throws IOException {
        try (GrowLog log = logWithRecords(2)) {
            LogReader reader = log.reader(log.startPosition());
            assertThat(reader.next()).isTrue();
            reader.close();
            reader.close();
            assertThatThrownBy(reader::next).isInstanceOf(ClosedLogException.class);
            assertThatThrownBy(reader::position).isInstanceOf(ClosedLogException.class);
            assertThatThrownBy(reader::length).isInstanceOf(ClosedLogException.class);
            assertThatThrownBy(reader::payload).isInstanceOf(ClosedLogException.class);
            assertThatThrownBy(reader::bytes).isInstanceOf(ClosedLogException.class);
            assertThatThrownBy(() -> reader.forEach((position, payload) -> { }))
                    .isInstanceOf(ClosedLogException.class);
            assertThat(log.read(log.startPosition())).hasSize(64);
        }
    }

    @Test
    void readOnlyLog_afterClose_throwsClosedLogException() throws IOException {
        logWithRecords(2).close();
        GrowLog log = GrowLog.openReadOnly(dir.resolve("closed.glog"));
        LogReader reader = log.reader(log.startPosition());
        log.close();
        log.close();
        assertThatThrownBy(() -> log.read(log.startPosition())).isInstanceOf(ClosedLogException.class);
        assertThatThrownBy(log::endPosition).isInstanceOf(ClosedLogException.class);
        assertThatThrownBy(log::stats).isInstanceOf(ClosedLogException.class);
        assertThatThrownBy(reader::next).isInstanceOf(ClosedLogException.class);
    }

    /**
     * Readers racing a close: each read either completes with the right record or fails with
     * {@link ClosedLogException}; close waits for reads in progress instead of unmapping under
     * them.
     */
    @Test
    void close_whileOtherThreadsRead_letsEachReadFinishOrFailCleanly() throws Exception {
        GrowLog log = logWithRecords(500);
        List<Long> positions = new ArrayList<>();
        try (LogReader scan = log.reader(log.startPosition())) {
            while (scan.next()) {
                positions.add(scan.position());
            }
        }
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        CountDownLatch reading = new CountDownLatch(4);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                boolean counted = false;
                try {
                    for (int i = 0; ; i++) {
                        int index = (i * 31 + id) % positions.size();
                        assertThat(Payloads.numberOf(log.read(positions.get(index)))).isEqualTo(index);
                        if (i == 100) {
                            counted = true;
                            reading.countDown();
                        }
                    }
                } catch (ClosedLogException expected) {
                    // the log closed under this reader: the one allowed way out
                } catch (Throwable e) {
                    failures.put("reader " + id, e);
                } finally {
                    if (!counted) {
                        reading.countDown();
                    }
                }
            }, "reader-" + t);
            threads.add(thread);
            thread.start();
        }
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
        log.close();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(thread.isAlive()).as("%s still running", thread.getName()).isFalse();
        }
        assertThat(failures).isEmpty();
    }
}
