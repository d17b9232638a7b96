package dev.growlog.kafka;

import dev.growlog.error.LogFullException;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.LogReader;
import dev.growlog.RecordBatch;
import dev.growlog.Samples;
import dev.growlog.error.LogFullException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forwarder against a real broker ({@link KafkaBroker}): what it sends is what the log holds,
 * byte for byte and in order, each record with its position; the cursor ends where the broker's
 * acknowledgements end; records too large for the topic stop it or are skipped.
 */
@UsesSharedBroker
class KafkaForwarderTest {
    private static KafkaBroker broker;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    private static String newTopic(Map<String, String> configs) throws Exception {
        String topic = "forward-" + TOPICS.incrementAndGet();
        broker.createTopic(topic, configs);
        return topic;
    }

    /** The log's records as (position, payload), in order. */
    static List<KafkaBroker.Consumed> records(Path log) throws Exception {
        List<KafkaBroker.Consumed> records = new ArrayList<>();
        try (GrowLog read = GrowLog.openReadOnly(log); LogReader reader = read.reader(read.startPosition())) {
            while (reader.next()) {
                records.add(new KafkaBroker.Consumed(reader.position(), null, reader.bytes()));
            }
        }
        return records;
    }

    static long cursorPosition(Path log, String name) throws Exception {
        try (GrowLog read = GrowLog.openReadOnly(log)) {
            return read.cursors().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().position();
        }
    }

    static long endPosition(Path log) throws Exception {
        try (GrowLog read = GrowLog.openReadOnly(log)) {
            return read.endPosition();
        }
    }

    static void assertSameRecords(List<KafkaBroker.Consumed> consumed, List<KafkaBroker.Consumed> expected) {
        assertThat(consumed).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            KafkaBroker.Consumed got = consumed.get(i);
            KafkaBroker.Consumed want = expected.get(i);
            if (got.position() != want.position() || !Arrays.equals(got.value(), want.value())) {
                throw new AssertionError("record " + i + ": got position " + got.position() + " "
                        + new String(got.value(), StandardCharsets.UTF_8) + ", expected position " + want.position()
                        + " " + new String(want.value(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void forwardsAHundredThousandRecords_byteForByte_inOrder_withTheirPositions() throws Exception {
        String topic = newTopic(Map.of());
        Path log = dir.resolve("big.glog");
        List<byte[]> lines = Samples.apache();
        try (GrowLog writer = GrowLog.open(log)) {
            RecordBatch batch = new RecordBatch();
            for (int i = 0; i < 120_000; i++) {
                batch.add(lines.get(i % lines.size()));
                if (batch.size() == 1000) {
                    writer.append(batch);
                    batch.clear();
                }
            }
        }
        ForwarderStats stats;
        long started = System.nanoTime();
        try (GrowLog read = GrowLog.openReadOnly(log)) {
            stats = new KafkaForwarder(read, KafkaForwarderConfig.builder(broker.bootstrapServers(), topic).build(),
                    ForwarderListener.NONE).run();
        }
        long took = System.nanoTime() - started;

        List<KafkaBroker.Consumed> expected = records(log);
        assertThat(expected).hasSize(120_000);
        assertSameRecords(broker.consumeAll(topic), expected);
        assertThat(stats.sent()).isEqualTo(120_000);
        assertThat(stats.acknowledged()).isEqualTo(120_000);
        assertThat(stats.lagBytes()).isZero();
        assertThat(stats.lagRecords()).isZero();
        assertThat(cursorPosition(log, KafkaForwarderConfig.DEFAULT_CURSOR)).isEqualTo(endPosition(log));
        System.out.printf("forwarded %d records in %.1f s (%.0f records/s)%n", stats.acknowledged(), took / 1e9,
                stats.recordsPerSecond());
    }
    /** A log of JSON records with one of {@code bigSize} bytes in the middle; returns its position. */
    private static long logWithABigRecord(Path log, int bigSize) throws Exception {
        List<byte[]> lines = Samples.nginxJson();
        try (GrowLog writer = GrowLog.open(log)) {
            for (int i = 0; i < 300; i++) {
                writer.append(lines.get(i % lines.size()));
            }
            byte[] big = new byte[bigSize];
            Arrays.fill(big, (byte) 'x');
            long position = writer.append(big);
            for (int i = 0; i < 200; i++) {
                writer.append(lines.get(i % lines.size()));
            }
            return position;
        }
    }

    /** The records consumed, each position once (its first copy), in the order consumed. */
    static List<KafkaBroker.Consumed> firstCopies(List<KafkaBroker.Consumed> consumed) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        List<KafkaBroker.Consumed> first = new ArrayList<>();
        for (KafkaBroker.Consumed record : consumed) {
            if (seen.add(record.position())) {
                first.add(record);
            }
        }
        return first;
    }

    private static final Map<String, String> SMALL_MESSAGES = Map.of("max.message.bytes", Integer.toString(64 * 1024));

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRecordTooLargeForTheTopic_underStop_stopsNamingItsPosition_withTheCursorJustBeforeIt() throws Exception {
        String topic = newTopic(SMALL_MESSAGES);
        Path log = dir.resolve("stop.glog");
        long big = logWithABigRecord(log, 200 * 1024);

        RecordRefusedException refused;
        try (GrowLog read = GrowLog.openReadOnly(log)) {
            KafkaForwarder forwarder = new KafkaForwarder(read,
                    KafkaForwarderConfig.builder(broker.bootstrapServers(), topic).build(), ForwarderListener.NONE);
            refused = org.junit.jupiter.api.Assertions.assertThrows(RecordRefusedException.class, forwarder::run);
        }

        assertThat(refused.position()).isEqualTo(big);
        assertThat(refused).hasMessageContaining("position " + big).hasMessageContaining("too large");
        assertThat(cursorPosition(log, KafkaForwarderConfig.DEFAULT_CURSOR)).as("committed up to the refused record")
                .isEqualTo(big);
        List<KafkaBroker.Consumed> before = records(log).stream().filter(r -> r.position() < big).toList();
        List<KafkaBroker.Consumed> consumed = firstCopies(broker.consumeAll(topic));
        assertSameRecords(consumed.subList(0, before.size()), before);
        assertThat(consumed).as("the refused record is not in the topic").noneMatch(r -> r.position() == big);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRecordTooLargeForTheTopic_underSkip_isCountedAndReported_andEverythingElseArrivesInOrder() throws Exception {
        String topic = newTopic(SMALL_MESSAGES);
        Path log = dir.resolve("skip.glog");
        long big = logWithABigRecord(log, 200 * 1024);
        List<Long> skippedPositions = new ArrayList<>();
        ForwarderListener listener = new ForwarderListener() {
            @Override
            public void skipped(long position, int length, Exception cause) {
                skippedPositions.add(position);
            }
        };

        ForwarderStats stats;
        try (GrowLog read = GrowLog.openReadOnly(log)) {
            stats = new KafkaForwarder(read, KafkaForwarderConfig.builder(broker.bootstrapServers(), topic)
                    .onTooLarge(TooLargePolicy.SKIP).build(), listener).run();
        }

        assertThat(stats.skipped()).isEqualTo(1);
        assertThat(skippedPositions).containsExactly(big);
        assertThat(cursorPosition(log, KafkaForwarderConfig.DEFAULT_CURSOR)).isEqualTo(endPosition(log));
        List<KafkaBroker.Consumed> expected = records(log).stream().filter(r -> r.position() != big).toList();
        assertSameRecords(firstCopies(broker.consumeAll(topic)), expected);
        System.out.println("skip: " + stats);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void following_untilStopped_sendsWhatIsAppended_andCommitsWhatWasAcknowledged() throws Exception {
        String topic = newTopic(Map.of());
        Path log = dir.resolve("follow.glog");
        List<byte[]> lines = Samples.apache();
        try (GrowLog writer = GrowLog.open(log); GrowLog read = GrowLog.openReadOnly(log)) {
            KafkaForwarder forwarder = new KafkaForwarder(read, KafkaForwarderConfig.builder(
                    broker.bootstrapServers(), topic).follow(true).commitInterval(java.time.Duration.ofMillis(50))
                    .build(), ForwarderListener.NONE);
            java.util.concurrent.CompletableFuture<ForwarderStats> run = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return forwarder.run();
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
            for (int i = 0; i < 3000; i++) {
                writer.append(lines.get(i));
            }
            long end = writer.endPosition();
            Await.until("the forwarder committed every record appended", KafkaBroker.START,
                    () -> forwarder.stats().committedPosition() == end);
            for (int i = 3000; i < 3500; i++) {
                writer.append(lines.get(i));
            }
            forwarder.stop();
            ForwarderStats stats = run.get(2, TimeUnit.MINUTES);

            long committed = cursorPosition(log, KafkaForwarderConfig.DEFAULT_CURSOR);
            assertThat(committed).isEqualTo(stats.committedPosition()).isGreaterThanOrEqualTo(end);
            List<KafkaBroker.Consumed> upToCursor = records(log).stream().filter(r -> r.position() < committed)
                    .toList();
            List<KafkaBroker.Consumed> consumed = broker.consumeAll(topic);
            assertSameRecords(consumed.subList(0, upToCursor.size()), upToCursor);
        }
    }

    /**
     * Under the block policy the forwarder's cursor keeps every file it has not passed: the writer
     * stops at the budget rather than drop an unsent record, and once the forwarder has had the
     * records acknowledged, their files make room for the writer's next records.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void underBlock_filesTheForwarderHasNotPassed_stay_andComeBackOnceItHas() throws Exception {
        String topic = newTopic(Map.of());
        Path log = dir.resolve("spool");
        long roll = 128 * 1024;
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(64 * 1024).rollSize(roll)
                .retentionBytes(6 * roll).build();
        List<byte[]> lines = Samples.apache();
        List<KafkaBroker.Consumed> written = new ArrayList<>();
        try (GrowLog writer = GrowLog.open(log, config)) {
            writer.setCursor(KafkaForwarderConfig.DEFAULT_CURSOR, writer.startPosition());
            LogFullException full = null;
            for (int i = 0; full == null; i++) {
                byte[] line = lines.get(i % lines.size());
                try {
                    written.add(new KafkaBroker.Consumed(writer.append(line), null, line));
                } catch (LogFullException e) {
                    full = e;
                }
            }
            assertThat(full.getMessage()).contains("'" + KafkaForwarderConfig.DEFAULT_CURSOR + "'");
            assertThat(writer.startPosition()).as("nothing the forwarder needs went").isEqualTo(4096);

            try (GrowLog read = GrowLog.openReadOnly(log)) {
                new KafkaForwarder(read, KafkaForwarderConfig.builder(broker.bootstrapServers(), topic).build(),
                        ForwarderListener.NONE).run();
            }
            int before = written.size();
            for (int i = 0; i < before / 2; i++) {
                writer.append(lines.get(i % lines.size())); // room comes from the files the forwarder passed
            }

            assertThat(writer.startPosition()).as("the files the forwarder passed went").isGreaterThan(roll);
            assertThat(writer.stats().diskBytes()).isLessThanOrEqualTo(6 * roll);
        }
        assertSameRecords(firstCopies(broker.consumeAll(topic)), written);
    }
}
