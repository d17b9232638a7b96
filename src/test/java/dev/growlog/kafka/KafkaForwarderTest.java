package dev.growlog.kafka;

import dev.growlog.GrowLog;
import dev.growlog.LogReader;
import dev.growlog.RecordBatch;
import dev.growlog.Samples;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The forwarder against a real broker ({@link KafkaBroker}): what it sends is what the log holds,
 * byte for byte and in order, each record with its position; the cursor ends where the broker's
 * acknowledgements end; records too large for the topic stop it or are skipped.
 */
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

    private static void assertSameRecords(List<KafkaBroker.Consumed> consumed, List<KafkaBroker.Consumed> expected) {
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
}
