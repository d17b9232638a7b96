package dev.growlog;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At least once, across kill -9: a shipper in another process ({@link ShipperChild}) follows
 * the log from its durable cursor while this process keeps appending, and is killed at random
 * moments and started again. Every record reaches the sink, in order; each run starts exactly
 * at the last commit (never before an earlier one, never past what was shipped), so the
 * duplicates are the records shipped after a run's last commit: at most
 * {@value #COMMIT_EVERY} per kill.
 */
@ExtendWith(Seeded.class)
class ShipperCrashLoopTest {
    static final int COMMIT_EVERY = 25;
    private static final Duration START = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void killedAtRandomMoments_theShipperShipsEveryRecordAtLeastOnce_inOrder(Random random) throws Exception {
        crashLoop(20, random);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void hundredsOfKills(Random random) throws Exception {
        crashLoop(200, random);
    }

    private void crashLoop(int kills, Random random) throws Exception {
        Path log = dir.resolve("log.glog");
        Path sink = dir.resolve("sink.txt");
        List<byte[]> lines = Samples.apache();
        int appended = 0;
        try (GrowLog writer = GrowLog.open(log)) {
            for (int k = 0; k < kills; k++) {
                try (ChildJvm child = ChildJvm.start(ShipperChild.class, log.toString(), sink.toString(),
                        Integer.toString(COMMIT_EVERY), "follow")) {
                    assertThat(child.nextLine(START)).as("kill %d: the shipper started", k).isEqualTo("started");
                    int chunk = random.nextInt(400);
                    for (int i = 0; i < chunk; i++) {
                        writer.append(lines.get(appended++ % lines.size()));
                    }
                    Thread.sleep(random.nextInt(40)); // a random moment to kill at: timing is the input, not a wait
                    child.kill();
                }
            }
            for (int i = 0; i < 100; i++) {
                writer.append(lines.get(appended++ % lines.size()));
            }
        }
        try (ChildJvm drain = ChildJvm.start(ShipperChild.class, log.toString(), sink.toString(),
                Integer.toString(COMMIT_EVERY), "drain")) {
            assertThat(drain.nextLine(START)).isEqualTo("started");
            assertThat(drain.waitFor(START)).as("the draining shipper ends on its own").isZero();
        }
        check(log, sink, kills, appended);
    }

    private static void check(Path log, Path sink, int kills, int appended) throws IOException {
        List<Long> positions = new ArrayList<>();
        long end;
        try (GrowLog read = GrowLog.openReadOnly(log); LogReader reader = read.reader(read.startPosition())) {
            while (reader.next()) {
                positions.add(reader.position());
            }
            end = read.endPosition();
        }
        assertThat(positions).hasSize(appended);
        positions.add(end); // where a shipper that shipped everything resumes

        long shipped = 0;
        Set<Long> distinct = new HashSet<>();
        long lastStart = -1;
        long resumeAtMost = positions.get(0);
        int index = -1;
        for (String line : Files.readAllLines(sink)) {
            if (line.startsWith("start ")) {
                long start = Long.parseLong(line.substring(6));
                assertThat(start).as("a run resumes no earlier than the one before").isGreaterThanOrEqualTo(lastStart);
                assertThat(start).as("a run resumes no later than what was shipped").isLessThanOrEqualTo(resumeAtMost);
                index = positions.indexOf(start);
                assertThat(index).as("a run resumes at a record position or the end: %d", start).isNotNegative();
                lastStart = start;
                continue;
            }
            long position = Long.parseLong(line);
            assertThat(position).as("records are shipped in order, none skipped").isEqualTo(positions.get(index));
            index++;
            resumeAtMost = positions.get(index);
            shipped++;
            distinct.add(position);
        }
        assertThat(distinct).as("every record was shipped").hasSize(appended);
        long duplicates = shipped - distinct.size();
        assertThat(duplicates).as("duplicates: records shipped after a run's last commit")
                .isLessThanOrEqualTo((long) kills * COMMIT_EVERY);
        System.out.println("shipper crash loop: " + kills + " kills, " + appended + " records, " + duplicates
                + " shipped twice (bound " + (long) kills * COMMIT_EVERY + ")");
    }
}
