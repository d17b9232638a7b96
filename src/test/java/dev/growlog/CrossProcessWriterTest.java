package dev.growlog;

import dev.growlog.error.LogLockedException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Another process ({@link ChildWriter} in a second JVM) writes the log: this process cannot
 * open it for writing, can follow it read-only through its growth, and after the other process
 * is killed with SIGKILL recovers every record it acknowledged.
 */
@ExtendWith(Seeded.class)
class CrossProcessWriterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aWriterInAnotherProcess_locksOutThisOne_isFollowedReadOnly_andSurvivesSigkill() throws Exception {
        Path file = dir.resolve("child.glog");
        List<Long> acked = new ArrayList<>();
        try (ChildJvm child = ChildJvm.start(ChildWriter.class, "write", file.toString())) {
            child.linesUntil("READY", WAIT);
            child.send("append 50 3000");
            collectAcks(child.linesUntil("READY", WAIT), acked);

            // The child holds the lock until told to stop: returning at all means refused, not queued.
            assertThatThrownBy(() -> GrowLog.open(file, ChildWriter.CONFIG))
                    .isInstanceOf(LogLockedException.class).hasMessageContaining(file.getFileName().toString());

            try (GrowLog follower = GrowLog.openReadOnly(file); LogReader tail = follower.reader(follower.startPosition())) {
                int seen = readOn(tail, acked, 0);
                assertThat(seen).isEqualTo(50);
                long mapped = follower.stats().mappedSize();

                child.send("append 400 6000"); // about 1.2 MB: the file grows many times
                collectAcks(child.linesUntil("READY", WAIT), acked);
                assertThat(follower.endPosition()).isGreaterThan(acked.get(acked.size() - 1));
                seen = readOn(tail, acked, seen);
                assertThat(seen).isEqualTo(acked.size());
                assertThat(follower.stats().mappedSize()).as("the follower's mapping grew").isGreaterThan(mapped);
                assertThat(follower.stats().records()).isEqualTo(acked.size());
            }
            assertThatThrownBy(() -> GrowLog.open(file, ChildWriter.CONFIG)).isInstanceOf(LogLockedException.class);

            // Crash the writer in the middle of a stream of appends.
            child.send("append 1000000 4000");
            for (int i = 0; i < 200; i++) {
                collectAck(child.nextLine(WAIT), acked);
            }
            child.kill();
        }

        try (GrowLog log = GrowLog.open(file, ChildWriter.CONFIG)) {
            assertThat(log.recoveryReport().cleanShutdown()).isFalse();
            for (int number = 0; number < acked.size(); number++) {
                assertThat(Payloads.numberOf(log.read(acked.get(number)))).as("acknowledged record %d", number)
                        .isEqualTo(number);
            }
            assertThat(log.stats().records()).isGreaterThanOrEqualTo(acked.size());
            long next = log.append(Payloads.numbered(-1, 16));
            assertThat(log.read(next)).isEqualTo(Payloads.numbered(-1, 16));
        }
    }

    /**
     * With FileChannel locks, a refused second open in this process would have released this
     * process's lock on closing its channel, letting another process in. flock on the writer's
     * own descriptor must not.
     */
    @Test
    @Timeout(60)
    void aRefusedSecondOpenInThisProcess_doesNotLetAnotherProcessIn() throws Exception {
        Path file = dir.resolve("held.glog");
        try (GrowLog writer = GrowLog.open(file, ChildWriter.CONFIG)) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> GrowLog.open(file, ChildWriter.CONFIG)).isInstanceOf(LogLockedException.class);
            }
            try (ChildJvm probe = ChildJvm.start(ChildWriter.class, "probe", file.toString())) {
                assertThat(probe.nextLine(WAIT)).startsWith("LOCKED");
                assertThat(probe.waitFor(WAIT)).isZero();
            }
            writer.append(new byte[] {1});
        }
    }

    /** Many SIGKILLs at random moments of a stream of appends; every acknowledged record survives each. */
    @Test
    @Tag("stress")
    @Timeout(900)
    void crashLoop_everyAcknowledgedRecordSurvivesEachSigkill(Random random) throws Exception {
        Path file = dir.resolve("crash-loop.glog");
        List<Long> acked = new ArrayList<>();
        for (int round = 0; round < 25; round++) {
            try (ChildJvm child = ChildJvm.start(ChildWriter.class, "write", file.toString())) {
                child.linesUntil("READY", WAIT);
                child.send("append 1000000 " + (16 + random.nextInt(20_000)));
                int acks = 1 + random.nextInt(2000);
                for (int i = 0; i < acks; i++) {
                    collectAck(child.nextLine(WAIT), acked);
                }
                child.kill();
            }
            try (GrowLog log = GrowLog.open(file, ChildWriter.CONFIG)) {
                for (int number = 0; number < acked.size(); number++) {
                    assertThat(Payloads.numberOf(log.read(acked.get(number)))).as("round %d, record %d", round, number)
                            .isEqualTo(number);
                }
                // Records appended but not acknowledged before the kill survive too: keep their
                // positions so that the next child's numbering stays in step.
                try (LogReader reader = log.reader(acked.isEmpty() ? log.startPosition() : acked.get(acked.size() - 1))) {
                    if (!acked.isEmpty()) {
                        assertThat(reader.next()).isTrue();
                    }
                    while (reader.next()) {
                        assertThat(Payloads.numberOf(reader.bytes())).isEqualTo(acked.size());
                        acked.add(reader.position());
                    }
                }
            }
        }
    }

    private static void collectAcks(List<String> lines, List<Long> acked) {
        for (String line : lines) {
            if (line.startsWith("ACK")) {
                collectAck(line, acked);
            }
        }
    }

    private static void collectAck(String line, List<Long> acked) {
        String[] parts = line.split(" ");
        assertThat(parts[0]).isEqualTo("ACK");
        assertThat(Integer.parseInt(parts[1])).as("acknowledged in order").isEqualTo(acked.size());
        acked.add(Long.parseLong(parts[2]));
    }

    private static int readOn(LogReader reader, List<Long> acked, int seen) throws IOException {
        while (reader.next()) {
            assertThat(reader.position()).isEqualTo(acked.get(seen));
            assertThat(Payloads.numberOf(reader.bytes())).isEqualTo(seen);
            seen++;
        }
        return seen;
    }
}
