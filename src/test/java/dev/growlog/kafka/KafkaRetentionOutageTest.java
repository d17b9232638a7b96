package dev.growlog.kafka;

import dev.growlog.DiskUsage;
import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.Samples;
import dev.growlog.error.LogFullException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log in a small disk budget under the block policy, forwarded to a real broker that goes away
 * and comes back. While the broker is up the forwarder keeps up and the writer is never refused;
 * while it is down the forwarder's cursor keeps every file it has not passed, the budget fills
 * and appends are refused naming the cursor; once it is back the forwarder resumes on its own,
 * the refused records go in, and the topic holds every appended record in log order once
 * duplicates are dropped by position. A sampler checks the bytes on disk all along.
 */
@UsesSharedBroker
class KafkaRetentionOutageTest {
    private static final long ROLL = 128 * 1024;
    private static final long BUDGET = 6 * ROLL;
    private static final int MAX_UNCOMMITTED = 500;
    private static final String TOPIC = "budget";

    @TempDir
    Path dir;

    /** Records appended, as (position, payload), in log order. */
    private final List<KafkaBroker.Consumed> written = new ArrayList<>();
    private int nextLine;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void underABudget_theBrokerDown_refusesAppendsNamingTheForwarder_andBackUp_everyRecordArrivesInOrder()
            throws Exception {
        Path log = dir.resolve("spool");
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(64 * 1024).rollSize(ROLL)
                .retentionBytes(BUDGET).build();
        List<byte[]> lines = Samples.apache();
        AtomicLong worst = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> sample(log, worst, sampling), "sampler");
        KafkaBroker broker = KafkaBroker.shared();
        try (GrowLog writer = GrowLog.open(log, config); GrowLog read = GrowLog.openReadOnly(log)) {
            broker.createTopic(TOPIC, Map.of());
            writer.setCursor(KafkaForwarderConfig.DEFAULT_CURSOR, writer.startPosition());
            sampler.start();
            KafkaForwarder forwarder = new KafkaForwarder(read, KafkaForwarderConfig.builder(
                    broker.bootstrapServers(), TOPIC).follow(true).maxUncommittedRecords(MAX_UNCOMMITTED)
                    .commitInterval(Duration.ofMillis(50))
                    .restartBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                    // give up on a send after 6 s, so that the outage makes the forwarder restart
                    .producerProperty("delivery.timeout.ms", "6000")
                    .producerProperty("request.timeout.ms", "2000")
                    .producerProperty("max.block.ms", "3000")
                    .producerProperty("reconnect.backoff.max.ms", "500")
                    .build(), ForwarderListener.NONE);
            CompletableFuture<ForwarderStats> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return forwarder.run();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            Progress progress = new Progress(forwarder, run);

            // (a) The broker is up: the writer keeps within two files of the forwarder's commits.
            appendPaced(writer, lines, progress, 16 * ROLL);
            long worstWhileUp = worst.get();

            // (b) The broker is down: with everything before acknowledged and committed, nothing
            // after can be, so the forwarder's cursor stays and the budget fills.
            long stuckAt = writer.endPosition();
            Await.until("the forwarder committed every record", KafkaBroker.START,
                    () -> progress.committed() == stuckAt);
            broker.stop();
            List<byte[]> refused = new ArrayList<>();
            LogFullException full = null;
            while (refused.size() < 100) {
                byte[] line = lines.get(nextLine++ % lines.size());
                try {
                    // after a refusal a shorter record may still fit in the blocks the file holds
                    written.add(new KafkaBroker.Consumed(writer.append(line), null, line));
                } catch (LogFullException e) {
                    full = full == null ? e : full;
                    refused.add(line); // not appended: kept aside to append again
                }
            }
            Await.until("the forwarder restarted after a failed send", KafkaBroker.START,
                    () -> progress.stats().restarts() >= 1);
            assertThat(full.getMessage()).as("the refusal names the forwarder's cursor")
                    .contains("'" + KafkaForwarderConfig.DEFAULT_CURSOR + "'");
            assertThat(progress.committed()).as("nothing acknowledged while the broker was down").isEqualTo(stuckAt);
            assertThat(writer.startPosition()).as("every file the forwarder has not passed stayed")
                    .isLessThanOrEqualTo(stuckAt);
            long appendedWhileDown = written.stream().filter(r -> r.position() >= stuckAt).count();

            // (c) The broker is back: the forwarder resumes by itself and makes room again.
            broker.start();
            int refusedAgain = 0;
            for (byte[] line : refused) {
                while (true) {
                    try {
                        written.add(new KafkaBroker.Consumed(writer.append(line), null, line));
                        break;
                    } catch (LogFullException e) {
                        refusedAgain++;
                        long oldestFileEnd = (writer.startPosition() / ROLL + 1) * ROLL;
                        Await.until("the forwarder commits past the oldest file", KafkaBroker.START,
                                () -> progress.committed() >= oldestFileEnd);
                    }
                }
            }
            appendPaced(writer, lines, progress, 4 * ROLL);
            long end = writer.endPosition();
            Await.until("the forwarder committed every record", KafkaBroker.START,
                    () -> progress.committed() == end);
            forwarder.stop();
            ForwarderStats stats = run.get(2, TimeUnit.MINUTES);
            sampling.set(false);
            sampler.join();

            List<KafkaBroker.Consumed> consumed = broker.consumeAll(TOPIC);
            KafkaForwarderTest.assertSameRecords(KafkaForwarderTest.firstCopies(consumed), written);
            KafkaForwarderTest.assertSameRecords(aboveHighestSeen(consumed), written);
            Set<Long> distinct = new HashSet<>();
            consumed.forEach(record -> distinct.add(record.position()));
            long duplicates = consumed.size() - distinct.size();
            assertThat(duplicates).as("at most the window per restart")
                    .isLessThanOrEqualTo(stats.restarts() * MAX_UNCOMMITTED);
            assertThat(worstWhileUp).as("bytes on disk at the worst sampled moment while the broker was up")
                    .isLessThanOrEqualTo(BUDGET);
            assertThat(worst.get()).as("bytes on disk at the worst sampled moment").isLessThanOrEqualTo(BUDGET);
            System.out.printf("budget of %d bytes, broker down then up: %d records appended (%d while the broker "
                            + "was down), %d appends refused while it was down and %d retries refused after, "
                            + "%d restarts, %d records sent twice, worst %d bytes on disk (%d while up)%n",
                    BUDGET, written.size(), appendedWhileDown, refused.size(), refusedAgain, stats.restarts(),
                    duplicates, worst.get(), worstWhileUp);
        } finally {
            sampling.set(false);
            if (sampler.isAlive()) {
                sampler.join();
            }
        }
    }

    /**
     * Appends until {@code bytes} more are in the log, waiting whenever the log is more than two
     * files ahead of the forwarder's commits (so the budget of six files never fills); a refusal
     * fails the test.
     */
    private void appendPaced(GrowLog writer, List<byte[]> lines, Progress progress, long bytes) throws Exception {
        long target = writer.endPosition() + bytes;
        for (int i = 0; writer.endPosition() < target; i++) {
            if (i % 64 == 0 && writer.endPosition() - progress.committed() > 2 * ROLL) {
                long behind = writer.endPosition() - ROLL;
                Await.until("the forwarder keeps up", KafkaBroker.START, () -> progress.committed() >= behind);
            }
            byte[] line = lines.get(nextLine++ % lines.size());
            try {
                written.add(new KafkaBroker.Consumed(writer.append(line), null, line));
            } catch (LogFullException e) {
                throw new AssertionError("refused while the forwarder kept up: " + e.getMessage(), e);
            }
        }
    }

    /**
     * What a consumer keeps that remembers only the highest position it has seen (one partition)
     * and drops every record at or below it.
     */
    private static List<KafkaBroker.Consumed> aboveHighestSeen(List<KafkaBroker.Consumed> consumed) {
        List<KafkaBroker.Consumed> kept = new ArrayList<>();
        long highest = -1;
        for (KafkaBroker.Consumed record : consumed) {
            if (record.position() > highest) {
                kept.add(record);
                highest = record.position();
            }
        }
        return kept;
    }

    /** The forwarder's progress, failing at once if its run ended. */
    private record Progress(KafkaForwarder forwarder, CompletableFuture<ForwarderStats> run) {
        ForwarderStats stats() {
            if (run.isDone()) {
                throw new AssertionError("the forwarder stopped: " + run.handle((s, e) -> e == null ? s : e).join());
            }
            return forwarder.stats();
        }

        long committed() {
            return stats().committedPosition();
        }
    }

    /**
     * Keeps the largest sum of the allocated bytes of every file under {@code log}. The files are
     * looked at one after the other, not at one moment: a sample during which a file was deleted
     * could count the deleted file's blocks together with blocks allocated after it went, so it
     * is taken again. Without deletions blocks only grow, so a kept sample is at most what the
     * log held when it ended.
     */
    private static void sample(Path log, AtomicLong worst, AtomicBoolean sampling) {
        while (sampling.get()) {
            DiskUsage.look(log).ifPresent(bytes -> worst.accumulateAndGet(bytes, Math::max));
        }
    }
}
