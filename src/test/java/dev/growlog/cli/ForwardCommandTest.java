package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.Samples;
import dev.growlog.kafka.KafkaBroker;
import dev.growlog.kafka.UsesSharedBroker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code growlog forward} in this JVM against a real broker ({@link KafkaBroker}). */
@UsesSharedBroker
class ForwardCommandTest {
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    private static String newTopic(Map<String, String> configs) throws Exception {
        String topic = "cli-forward-" + TOPICS.incrementAndGet();
        broker.createTopic(topic, configs);
        return topic;
    }

    private Path jsonLog(int records) throws Exception {
        Path log = dir.resolve("json.glog");
        List<byte[]> lines = Samples.nginxJson();
        try (GrowLog writer = GrowLog.open(log)) {
            for (int i = 0; i < records; i++) {
                writer.append(lines.get(i % lines.size()));
            }
        }
        return log;
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void forward_untilCaughtUp_sendsEveryRecordKeyedByAJsonField_andPrintsTheSummary() throws Exception {
        String topic = newTopic(Map.of());
        Path log = jsonLog(500);

        Cli.Result result = Cli.in(dir).run("forward", "--log", log.toString(), "--bootstrap-servers",
                broker.bootstrapServers(), "--topic", topic, "--key", "field:address", "--cursor", "to-kafka");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("forwarded to topic " + topic + ": 500 sent, 500 acknowledged, 0 skipped, "
                + "0 restarts, ").contains("; cursor to-kafka at ").endsWith(", lag 0 bytes, 0 records\n");
        assertThat(result.stderr()).isEmpty();
        List<KafkaBroker.Consumed> consumed = broker.consumeAll(topic);
        assertThat(consumed).hasSize(500);
        List<byte[]> lines = Samples.nginxJson();
        for (int i = 0; i < 500; i++) {
            assertThat(consumed.get(i).value()).isEqualTo(lines.get(i));
            assertThat(new String(consumed.get(i).key(), StandardCharsets.UTF_8)).isEqualTo("206.251.255.64");
        }

        Cli.Result again = Cli.in(dir).run("forward", "--log", log.toString(), "--bootstrap-servers",
                broker.bootstrapServers(), "--topic", topic, "--cursor", "to-kafka");
        assertThat(again.out()).as("a second run resumes at the end").contains(": 0 sent, 0 acknowledged");
        assertThat(broker.consumeAll(topic)).hasSize(500);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRecordTooLarge_stopsWithExitCode8NamingItsPosition_orIsSkippedWithALineOnStderr() throws Exception {
        String topic = newTopic(Map.of("max.message.bytes", "16384"));
        Path log = dir.resolve("big.glog");
        long big;
        try (GrowLog writer = GrowLog.open(log)) {
            writer.append("first".getBytes(StandardCharsets.UTF_8));
            byte[] large = new byte[100_000];
            Arrays.fill(large, (byte) 'y');
            big = writer.append(large);
            writer.append("last".getBytes(StandardCharsets.UTF_8));
        }
        String[] args = {"forward", "--log", log.toString(), "--bootstrap-servers", broker.bootstrapServers(),
            "--topic", topic};

        Cli.Result stopped = Cli.in(dir).run(args);
        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(ExitCodes.KAFKA);
        assertThat(stopped.stderr()).startsWith("growlog: Kafka refused the record at position " + big + " (100000 bytes)");
        assertThat(stopped.out()).contains("cursor kafka at " + big);

        String[] skipping = Arrays.copyOf(args, args.length + 2);
        skipping[args.length] = "--on-too-large";
        skipping[args.length + 1] = "skip";
        Cli.Result skipped = Cli.in(dir).run(skipping);
        assertThat(skipped.exitCode()).as(skipped.toString()).isZero();
        assertThat(skipped.stderr()).startsWith("growlog: skipped the record at position " + big + " (100000 bytes): "
                + "Kafka refused it as too large: ");
        assertThat(skipped.out()).contains(" 1 skipped, ").contains("lag 0 bytes");
        assertThat(broker.consumeAll(topic)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("first", "last");
    }

    @Test
    void badOptions_areUsageErrors() throws Exception {
        Path log = jsonLog(1);
        String[] base = {"forward", "--log", log.toString(), "--bootstrap-servers", "127.0.0.1:1", "--topic", "t"};
        assertUsage(with(base, "--key", "host"), "a key is 'none' or 'field:NAME'");
        assertUsage(with(base, "--on-too-large", "retry"), "--on-too-large is stop or skip");
        assertUsage(with(base, "-X", "acks=1"), "acks must be all for at-least-once delivery: 1");
        assertUsage(with(base, "-X", "max.in.flight.requests.per.connection=6"), "must be from 1 to 5");
        assertUsage(with(base, "-X", "linger.ms=soon"), "producer settings: ");
        assertUsage(with(base, "--max-uncommitted", "0"), "--max-uncommitted must be at least 1");
    }

    private void assertUsage(String[] args, String message) {
        Cli.Result result = Cli.in(dir).run(args);
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).startsWith("growlog: ").contains(message);
    }

    private static String[] with(String[] base, String... more) {
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
