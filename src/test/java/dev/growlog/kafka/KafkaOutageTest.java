package dev.growlog.kafka;

import dev.growlog.GrowLog;
import dev.growlog.RecordBatch;
import dev.growlog.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker goes down for over ten seconds in the middle of a run while the log keeps growing:
 * the producer's sends time out, the forwarder restarts from its cursor with back-off until the
 * broker is back, and then sends everything, losing nothing, without being told.
 */
@UsesSharedBroker
class KafkaOutageTest {
    /** How long the broker stays stopped before it is started again (which takes seconds more). */
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final int MAX_UNCOMMITTED = 2000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void theBrokerDownForTenSecondsAndMore_theForwarderRetriesAndResumesOnItsOwn_losingNothing() throws Exception {
        Path log = dir.resolve("log.glog");
        List<byte[]> lines = Samples.apache();
        KafkaBroker broker = KafkaBroker.shared();
        try (GrowLog writer = GrowLog.open(log); GrowLog read = GrowLog.openReadOnly(log)) {
            broker.createTopic("outage", Map.of());
            append(writer, lines, 20_000);
            AtomicLong restartsHeard = new AtomicLong();
            KafkaForwarder forwarder = new KafkaForwarder(read, KafkaForwarderConfig.builder(
                    broker.bootstrapServers(), "outage").follow(true).maxUncommittedRecords(MAX_UNCOMMITTED)
                    .commitInterval(Duration.ofMillis(100))
                    .restartBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                    // give up on a send after 6 s, so that the outage makes the forwarder restart
                    .producerProperty("delivery.timeout.ms", "6000")
                    .producerProperty("request.timeout.ms", "2000")
                    .producerProperty("max.block.ms", "3000")
                    .producerProperty("reconnect.backoff.max.ms", "500")
                    .build(), new ForwarderListener() {
                        @Override
                        public void restarting(Exception cause, long resumeAt, Duration backoff) {
                            restartsHeard.incrementAndGet();
                            System.out.println("restarting from " + resumeAt + " in " + backoff + ": " + cause);
                        }
                    });
            CompletableFuture<ForwarderStats> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return forwarder.run();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            Await.until("the forwarder sent a quarter of the records", KafkaBroker.START,
                    () -> forwarder.stats().acknowledged() >= 5_000);

            broker.stop();
            long down = System.nanoTime();
            long committedWhenDown = forwarder.stats().committedPosition();
            append(writer, lines, 20_000);
            Await.until("the forwarder restarted after a failed send", KafkaBroker.START,
                    () -> forwarder.stats().restarts() >= 1);
            long left = OUTAGE.toNanos() - (System.nanoTime() - down);
            if (left > 0) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left)); // the outage's length is the input
            }
            ForwarderStats duringOutage = forwarder.stats();
            broker.start();
            Duration outage = Duration.ofNanos(System.nanoTime() - down);
            append(writer, lines, 2_000);
            long end = writer.endPosition();
            Await.until("the forwarder committed everything after the broker came back", KafkaBroker.START,
                    () -> forwarder.stats().committedPosition() == end);
            forwarder.stop();
            ForwarderStats stats = run.get(2, TimeUnit.MINUTES);

            List<KafkaBroker.Consumed> expected = KafkaForwarderTest.records(log);
            assertThat(expected).hasSize(42_000);
            List<KafkaBroker.Consumed> consumed = broker.consumeAll("outage");
            KafkaForwarderTest.assertSameRecords(KafkaForwarderTest.firstCopies(consumed), expected);
            Set<Long> distinct = new HashSet<>();
            consumed.forEach(record -> distinct.add(record.position()));
            long duplicates = consumed.size() - distinct.size();
            assertThat(duringOutage.committedPosition()).as("nothing committed while the broker was down")
                    .isLessThanOrEqualTo(end).isGreaterThanOrEqualTo(committedWhenDown);
            assertThat(stats.restarts()).isEqualTo(restartsHeard.get()).isPositive();
            assertThat(duplicates).as("at most the window per restart")
                    .isLessThanOrEqualTo(stats.restarts() * MAX_UNCOMMITTED);
            System.out.printf("broker outage of %.1f s: %d records, %d restarts, %d producer retries, %d sent twice "
                    + "(bound %d)%n", outage.toMillis() / 1e3, expected.size(), stats.restarts(),
                    stats.producerRetries(), duplicates, stats.restarts() * MAX_UNCOMMITTED);
        }
    }

    private static void append(GrowLog writer, List<byte[]> lines, int count) throws Exception {
        RecordBatch batch = new RecordBatch();
        for (int i = 0; i < count; i++) {
            batch.add(lines.get(i % lines.size()));
        }
        writer.append(batch);
    }
}
