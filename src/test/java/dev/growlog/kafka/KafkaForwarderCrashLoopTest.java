package dev.growlog.kafka;

import dev.growlog.ChildJvm;
import dev.growlog.GrowLog;
import dev.growlog.RecordBatch;
import dev.growlog.Samples;
import dev.growlog.Seeded;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At least once to Kafka across kill -9: a forwarder in another JVM ({@link ForwarderChild})
 * sends the log to a real broker while this process keeps appending, and is killed at random
 * moments and started again: one run in five while it starts, the others soon after the broker
 * acknowledged its first record (among its sends and commits). After a last, draining run every record is in the topic, and in log
 * order once later copies are dropped by position; the copies sent twice are at most
 * {@value #MAX_UNCOMMITTED} per kill, the documented bound.
 */
@ExtendWith(Seeded.class)
@UsesSharedBroker
class KafkaForwarderCrashLoopTest {
    static final int MAX_UNCOMMITTED = 500;
    /** A run killed while it starts is killed within this long of printing {@code started}. */
    private static final int KILL_WHILE_STARTING_MILLIS = 500;
    /** Any other run is killed within this long of its first acknowledged record. */
    private static final int KILL_WHILE_SENDING_MILLIS = 300;

    private static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void killedAtRandomMoments_theForwarderSendsEveryRecordAtLeastOnce_withinTheDuplicateBound(Random random)
            throws Exception {
        crashLoop("crash-loop", 20, random);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void hundredsOfKills(Random random) throws Exception {
        crashLoop("crash-loop-stress", 200, random);
    }

    private void crashLoop(String topic, int kills, Random random) throws Exception {
        broker.createTopic(topic, Map.of());
        Path log = dir.resolve("log.glog");
        List<byte[]> lines = Samples.apache();
        List<String> jvm = List.of("-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        int appended = 0;
        int killedAfterAnAck = 0;
        long toStarted = 0;
        long toAcknowledged = 0;
        int whileStartingCount = 0;
        long started = System.nanoTime();
        try (GrowLog writer = GrowLog.open(log)) {
            RecordBatch batch = new RecordBatch();
            for (int k = 0; k < kills; k++) {
                long spawned = System.nanoTime();
                try (ChildJvm child = ChildJvm.start(jvm, ForwarderChild.class, log.toString(),
                        broker.bootstrapServers(), topic, "follow", Integer.toString(MAX_UNCOMMITTED))) {
                    assertThat(child.nextLine(KafkaBroker.START)).as("kill %d: the forwarder started", k)
                            .isEqualTo("started");
                    long running = System.nanoTime();
                    toStarted += running - spawned;
                    int chunk = 1 + random.nextInt(3000); // at least one: every run has a record to send
                    for (int i = 0; i < chunk; i++) {
                        batch.add(lines.get(appended++ % lines.size()));
                        if (batch.size() == 100) {
                            writer.append(batch);
                            batch.clear();
                        }
                    }
                    writer.append(batch);
                    batch.clear();
                    // A random moment to kill at: timing is the input, not a wait. One run in five
                    // is killed from its start on (opening the log, connecting, first sends); the
                    // others once the broker acknowledged a first record, so that the kill lands
                    // among sends and commits or just after them.
                    boolean whileStarting = random.nextInt(5) == 0;
                    whileStartingCount += whileStarting ? 1 : 0;
                    if (!whileStarting) {
                        assertThat(child.nextLine(KafkaBroker.START)).as("kill %d: the broker acknowledged", k)
                                .isEqualTo("acknowledged");
                        toAcknowledged += System.nanoTime() - running;
                    }
                    int window = whileStarting ? KILL_WHILE_STARTING_MILLIS : KILL_WHILE_SENDING_MILLIS;
                    Thread.sleep(random.nextInt(window));
                    if (!whileStarting || child.pollLine(Duration.ZERO) != null) {
                        killedAfterAnAck++;
                    }
                    child.kill();
                }
            }
            for (int i = 0; i < 100; i++) {
                writer.append(lines.get(appended++ % lines.size()));
            }
        }
        try (ChildJvm drain = ChildJvm.start(jvm, ForwarderChild.class, log.toString(), broker.bootstrapServers(),
                topic, "drain", Integer.toString(MAX_UNCOMMITTED))) {
            assertThat(drain.nextLine(KafkaBroker.START)).isEqualTo("started");
            assertThat(drain.nextLine(KafkaBroker.START)).startsWith("done ");
            assertThat(drain.waitFor(KafkaBroker.START)).as("the draining forwarder ends on its own").isZero();
        }

        List<KafkaBroker.Consumed> expected = KafkaForwarderTest.records(log);
        assertThat(expected).hasSize(appended);
        List<KafkaBroker.Consumed> consumed = broker.consumeAll(topic);
        List<KafkaBroker.Consumed> first = KafkaForwarderTest.firstCopies(consumed);
        KafkaForwarderTest.assertSameRecords(first, expected);
        Set<Long> distinct = new HashSet<>();
        consumed.forEach(record -> distinct.add(record.position()));
        long duplicates = consumed.size() - distinct.size();
        assertThat(duplicates).as("copies sent twice: records sent after a run's last commit")
                .isLessThanOrEqualTo((long) kills * MAX_UNCOMMITTED);
        assertThat(KafkaForwarderTest.cursorPosition(log, KafkaForwarderConfig.DEFAULT_CURSOR))
                .isEqualTo(KafkaForwarderTest.endPosition(log));
        System.out.printf("kafka crash loop: %d kills (%d after the run's first acknowledgement), %d records, "
                + "%d sent twice (bound %d), %.1f s; a run took %.0f ms on average to start and then %.0f ms "
                + "to its first acknowledgement%n", kills, killedAfterAnAck, appended, duplicates,
                (long) kills * MAX_UNCOMMITTED, (System.nanoTime() - started) / 1e9, toStarted / 1e6 / kills,
                toAcknowledged / 1e6 / Math.max(1, kills - whileStartingCount));
    }
}
