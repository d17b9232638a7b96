package dev.growlog.cli;

import dev.growlog.CursorInfo;
import dev.growlog.GrowLog;
import dev.growlog.Samples;
import dev.growlog.kafka.KafkaBroker;
import dev.growlog.kafka.UsesSharedBroker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.growlog.cli.Await.until;
import static dev.growlog.cli.GrowlogJar.command;
import static dev.growlog.cli.GrowlogJar.ownLines;
import static dev.growlog.cli.GrowlogJar.pump;
import static dev.growlog.cli.GrowlogJar.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar's {@code growlog forward --follow} under real signals, against a real broker: it
 * commits what the broker acknowledged, prints its summary and exits with 130 (SIGINT) or 143
 * (SIGTERM). Runs in the integration-test phase ({@code mvn verify}), after the jar is packaged.
 */
@UsesSharedBroker
class ForwardSignalsIT {
    private static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.shared();
    }

    private static long cursor(Path log) {
        try (GrowLog read = GrowLog.openReadOnly(log)) {
            return read.cursors().stream().filter(c -> c.name().equals("kafka")).mapToLong(CursorInfo::position)
                    .findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void forwardFollow_whenInterrupted_commitsWhatWasAcknowledgedAndExits130() throws Exception {
        forwardUntil(GrowlogJar.interruptSignal(), "sigint");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void forwardFollow_whenTerminated_commitsWhatWasAcknowledgedAndExits143() throws Exception {
        GrowlogJar.assumeSigtermIsNotIgnored();
        forwardUntil("TERM", "sigterm");
    }

    private void forwardUntil(String signal, String topic) throws Exception {
        broker.createTopic(topic, Map.of());
        Path log = dir.resolve("live.glog");
        List<byte[]> lines = Samples.apache();
        try (GrowLog writer = GrowLog.open(log)) {
            for (int i = 0; i < 2000; i++) {
                writer.append(lines.get(i));
            }
            Process forward = new ProcessBuilder(command("forward", "--follow", "--log", log.toString(),
                    "--bootstrap-servers", broker.bootstrapServers(), "--topic", topic, "--commit-interval-ms", "50"))
                    .directory(dir.toFile()).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread outPump = pump(forward.getInputStream(), out);
            Thread errPump = pump(forward.getErrorStream(), err);
            try {
                long end = writer.endPosition();
                until("forward committed the first 2000 records", () -> cursor(log) == end);
                for (int i = 2000; i < 3000; i++) {
                    writer.append(lines.get(i)); // arriving while it stops: sent or not, never lost
                }

                GrowlogJar.signal(forward, signal);

                int status = GrowlogJar.awaitExit(forward, "forward after SIG" + signal);
                outPump.join(TimeUnit.SECONDS.toMillis(Await.PATIENCE_SECONDS));
                errPump.join(TimeUnit.SECONDS.toMillis(Await.PATIENCE_SECONDS));
                String report = "--- stdout\n" + text(out) + "--- stderr\n" + text(err);
                assertThat(status).as(report).isEqualTo(GrowlogJar.exitStatusAfter(signal));
                assertThat(text(out)).as(report).startsWith("forwarded to topic " + topic + ": ")
                        .contains("; cursor kafka at " + cursor(log) + ", lag ");
                assertThat(ownLines(text(err))).as(report).isEmpty();
            } finally {
                forward.destroyForcibly();
            }
        }
        long committed = cursor(log);
        List<KafkaBroker.Consumed> consumed = broker.consumeAll(topic);
        assertThat(committed).isGreaterThan(0);
        try (GrowLog read = GrowLog.openReadOnly(log); dev.growlog.LogReader reader = read.reader(read.startPosition())) {
            int i = 0;
            while (reader.next() && reader.position() < committed) {
                assertThat(consumed.get(i).position()).as("every committed record is in the topic, in order")
                        .isEqualTo(reader.position());
                assertThat(consumed.get(i).value()).isEqualTo(reader.bytes());
                i++;
            }
            assertThat(i).isGreaterThanOrEqualTo(2000);
        }
    }
}
