package dev.growlog;

import dev.growlog.error.LogFullException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log that runs in bounded disk: on a small tmpfs, the writer pushes twenty times the file
 * system's size through a log with a disk budget while a shipper in another process
 * ({@link ShipperChild}) follows it from a durable cursor and commits. Under the block policy
 * the writer waits whenever the budget is full until the shipper moves on. A sampler checks the
 * log's bytes on disk all along; no write ever meets a full disk, and the shipper receives every
 * record in order; only the records after its last commit come twice, when the following
 * shipper is killed and a draining one takes over.
 */
class RetentionSoakTest {
    private static final Duration START = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void twentyTimesASixteenMebibyteDisk_throughABudget_withAShipperInAnotherProcess() throws Exception {
        soak(16, 1 << 20);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void twentyTimesASixtyFourMebibyteDisk() throws Exception {
        soak(64, 4 << 20);
    }

    private void soak(int diskMiB, long rollSize) throws Exception {
        Tmpfs tmpfs = Tmpfs.mount(dir.resolve("disk"), diskMiB);
        try {
            Path log = tmpfs.dir().resolve("spool");
            long budget = (long) diskMiB * 3 / 4 << 20;
            GrowLogConfig config = GrowLogConfig.builder().segmentSize((int) (rollSize / 4)).rollSize(rollSize)
                    .initialSize(rollSize / 4).maxGrowthStep(rollSize / 4).retentionBytes(budget).build();
            run(tmpfs, log, config, budget, 20L * diskMiB << 20);
        } finally {
            tmpfs.unmount();
        }
    }

    private void run(Tmpfs tmpfs, Path log, GrowLogConfig config, long budget, long total) throws Exception {
        Path sink = dir.resolve("sink.txt");
        List<byte[]> lines = Samples.apache();
        List<Long> positions = new ArrayList<>();
        AtomicLong worst = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        long written = 0;
        long waits = 0;
        try (GrowLog writer = GrowLog.open(log, config)) {
            writer.setCursor("shipper", writer.startPosition());
            Thread sampler = new Thread(() -> sample(log, worst, sampling), "sampler");
            sampler.start();
            try (ChildJvm shipper = ChildJvm.start(ShipperChild.class, log.toString(), sink.toString(), "25",
                    "follow")) {
                assertThat(shipper.nextLine(START)).isEqualTo("started");
                for (int i = 0; written < total; i++) {
                    byte[] line = lines.get(i % lines.size());
                    while (true) {
                        try {
                            positions.add(writer.append(line));
                            break;
                        } catch (LogFullException full) {
                            assertThat(full.getMessage()).as("full only by the budget, never the disk")
                                    .contains("'shipper'");
                            waits++;
                            awaitCommitPast(writer, shipper);
                        }
                    }
                    written += line.length;
                }
            } finally {
                sampling.set(false);
                sampler.join();
            }
            assertThat(worst.get()).as("the log's bytes on disk at the worst sampled moment")
                    .isLessThanOrEqualTo(budget);
            assertThat(tmpfs.usableSpace()).isPositive();
        }
        try (ChildJvm drain = ChildJvm.start(ShipperChild.class, log.toString(), sink.toString(), "25", "drain")) {
            assertThat(drain.nextLine(START)).isEqualTo("started");
            assertThat(drain.waitFor(START)).isZero();
        }
        // The following shipper is killed at the end; the draining one resumes at its last commit,
        // so the records after that commit are shipped twice, and only those.
        int next = 0;
        long twice = 0;
        for (String line : Files.readAllLines(sink)) {
            if (line.startsWith("start ")) {
                long start = Long.parseLong(line.substring(6));
                int at = positions.indexOf(start);
                assertThat(at < 0 ? positions.size() : at).as("a run resumes at or before what was shipped")
                        .isLessThanOrEqualTo(next);
                twice += next - (at < 0 ? positions.size() : at);
                next = at < 0 ? positions.size() : at;
                continue;
            }
            assertThat(Long.parseLong(line)).as("records are shipped in order, none skipped")
                    .isEqualTo(positions.get(next));
            next++;
        }
        assertThat(next).as("every record was shipped").isEqualTo(positions.size());
        assertThat(twice).as("shipped twice: only what followed the last commit").isLessThanOrEqualTo(25);
        System.out.println("retention soak: " + written + " bytes in " + positions.size() + " records through a "
                + budget + "-byte budget; worst " + worst.get() + " bytes on disk; the writer waited " + waits
                + " times for the shipper; " + twice + " records shipped twice after the kill");
    }

    /** Waits until the shipper has committed past the log's oldest file, so that it can go. */
    private static void awaitCommitPast(GrowLog writer, ChildJvm shipper) throws IOException {
        long span = writer.stats().rollSize();
        long oldestFileEnd = (writer.startPosition() / span + 1) * span;
        try {
            Await.until("the shipper commits past the oldest file", () -> writer.cursors().get(0).position()
                    >= oldestFileEnd);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (start " + writer.startPosition() + ", oldest file ends at "
                    + oldestFileEnd + ", cursors " + writer.cursors() + ", end " + writer.endPosition()
                    + "); the shipper's stderr:\n" + shipper.stderr(), e);
        }
    }

    private static void sample(Path log, AtomicLong worst, AtomicBoolean sampling) {
        while (sampling.get()) {
            DiskUsage.look(log).ifPresent(bytes -> worst.accumulateAndGet(bytes, Math::max));
        }
    }
}
