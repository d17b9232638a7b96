package dev.growlog;

import dev.growlog.PausingSyscalls.Call;
import dev.growlog.PausingSyscalls.Pause;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sync()} on one thread while another thread grows the file and the mapping: a sync
 * checks that the file has not shrunk below the mapping, and must never take a growth that lands
 * between its two reads for a shrunk file. First the exact interleaving, made to happen through a
 * pause in the {@code Syscalls} double; then syncs racing appends with a small growth step and
 * the pretoucher on (a bounded slice here, a long run with {@code -Pstress}).
 */
class SyncDuringGrowthTest {
    /** Growth every few hundred 100-byte records. */
    private static final GrowLogConfig SMALL_STEPS = GrowLogConfig.builder().initialSize(4096)
            .maxGrowthStep(65536).build();

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void sync_whenAGrowthLandsBetweenItsSizeChecks_doesNotFailTheWriter() throws Exception {
        PausingSyscalls sys = new PausingSyscalls();
        GrowLogConfig config = GrowLogConfig.builder().initialSize(4096).maxGrowthStep(65536).pretouchAhead(0).build();
        try (GrowLog log = GrowLog.open(dir.resolve("pause.glog"), config, sys)) {
            log.append(new byte[100]);
            AtomicReference<Pause> pause = new AtomicReference<>();
            CompletableFuture<Void> syncer = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    log.sync();
                    syncer.complete(null);
                } catch (Throwable e) {
                    syncer.completeExceptionally(e);
                }
            }, "syncer");
            pause.set(sys.pauseAfter(Call.SIZE, thread));
            thread.start();
            pause.get().awaitReached(); // the sync has read the file size and holds a lease

            long mapped = log.stats().mappedSize();
            while (log.stats().mappedSize() == mapped) {
                log.append(new byte[100]); // growth in place: needs no barrier, so it lands now
            }
            pause.get().resume();

            syncer.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long position = log.append(new byte[100]);
            log.sync();
            assertThat(log.read(position)).hasSize(100);
            assertThat(log.stats().syncs()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    @Timeout(120)
    void syncsRacingAppends_withSmallGrowthStepsAndThePretoucher_neverFailAHealthyWriter() throws Exception {
        race(300);
    }

    @Test
    @Tag("stress")
    @Timeout(1200)
    void syncsRacingAppends_withSmallGrowthStepsAndThePretoucher_neverFailAHealthyWriter_long() throws Exception {
        race(30_000);
    }

    /** One thread appends 100-byte records until the log has grown {@code growths} times; another syncs in a loop. */
    private void race(int growths) throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("race.glog"), SMALL_STEPS)) {
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> syncFailure = new AtomicReference<>();
            Thread syncer = new Thread(() -> {
                try {
                    while (!done.get()) {
                        log.sync();
                    }
                } catch (Throwable e) {
                    syncFailure.set(e);
                }
            }, "syncer");
            syncer.start();
            byte[] record = new byte[100];
            long appended = 0;
            try {
                while (log.stats().growths() < growths && syncFailure.get() == null) {
                    for (int i = 0; i < 256; i++) {
                        log.append(record);
                    }
                    appended += 256;
                }
            } finally {
                done.set(true);
                syncer.join();
            }
            assertThat(syncFailure.get()).as("a sync failed").isNull();
            log.sync();
            assertThat(log.stats().records()).isEqualTo(appended);
            assertThat(log.stats().syncs()).isPositive();
        }
    }
}
