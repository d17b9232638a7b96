package dev.growlog;

import dev.growlog.internal.chain.DataFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer here and a read-only tailer in another JVM ({@link ChainTailerChild}) on a log of
 * small files: the tailer follows the writer from the start through more than a hundred rolls
 * while the writer truncates behind it, below the last record the tailer acknowledged, so that
 * files are deleted while it follows. Every record arrives once, in order, intact; afterwards
 * neither process maps or holds open a data file that is gone.
 */
@ExtendWith(Seeded.class)
class CrossProcessChainTest {
    static final long SPAN = 128 * 1024;
    static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(64 * 1024).pretouchAhead(0).build();
    static final int ROLLS = 110;
    /** How far the writer may run ahead of the tailer's acknowledgements, in positions. */
    static final long LEAD = 3 * SPAN;

    @TempDir
    Path dir;

    @Test
    void aTailerInAnotherProcess_followsTheWriterThroughAHundredRolls_whileTruncationDeletesFilesBehindIt(
            Random random) throws Exception {
        Path path = dir.resolve("followed");
        List<Long> positions = new ArrayList<>();
        int truncations = 0;
        int filesDeleted = 0;
        try (GrowLog log = GrowLog.open(path, CONFIG);
             ChildJvm child = ChildJvm.start(ChainTailerChild.class, path.toString())) {
            assertThat(child.nextLine(Duration.ofSeconds(60))).isEqualTo("ready");
            Acks acks = new Acks(positions);
            while (log.endPosition() / SPAN < ROLLS) {
                int number = positions.size();
                positions.add(log.append(Payloads.numbered(number, 8 + random.nextInt(4000))));
                while (acks.take(child.pollLine(Duration.ZERO))) {
                    // drained what the child said so far
                }
                while (log.endPosition() - acks.lastPosition() > LEAD) {
                    acks.take(child.nextLine(Duration.ofSeconds(60))); // the tailer is behind: wait for it
                }
                if (number % 40 == 39 && acks.count > 0 && acks.lastPosition() > log.startPosition()) {
                    int before = DataFiles.list(path).size();
                    log.truncateBefore(acks.lastPosition()); // below records the tailer has not read yet
                    truncations++;
                    filesDeleted += Math.max(0, before - DataFiles.list(path).size());
                }
            }
            log.append(new byte[0]); // the end
            for (String line = child.nextLine(Duration.ofSeconds(60)); !line.equals("end");
                 line = child.nextLine(Duration.ofSeconds(60))) {
                acks.take(line);
            }
            assertThat(acks.count).as("records the tailer returned").isEqualTo(positions.size());

            log.truncateBefore(log.endPosition());
            child.send("report");
            List<String> held = child.linesUntil("done", Duration.ofSeconds(60));
            held = held.subList(0, held.size() - 1);
            assertThat(child.waitFor(Duration.ofSeconds(60))).as("the child's exit status").isZero();

            Set<String> onDisk = DataFiles.list(path).values().stream().map(p -> p.getFileName().toString())
                    .collect(Collectors.toSet());
            assertThat(held).as("what the child holds of the log directory").isNotEmpty()
                    .allSatisfy(line -> assertThat(line).doesNotContain("(deleted)"))
                    .filteredOn(line -> line.endsWith(DataFiles.SUFFIX))
                    .allSatisfy(line -> assertThat(onDisk).as("data file the child holds: %s", line)
                            .contains(line.substring(line.lastIndexOf('/') + 1)));
            assertThat(ChainTailerChild.held(path.toAbsolutePath()))
                    .as("what this process holds of the log directory")
                    .allSatisfy(line -> assertThat(line).doesNotContain("(deleted)"))
                    .filteredOn(line -> line.endsWith(DataFiles.SUFFIX))
                    .allSatisfy(line -> assertThat(onDisk).as("data file this process holds: %s", line)
                            .contains(line.substring(line.lastIndexOf('/') + 1)));
            assertThat(truncations).as("truncations while the child followed").isGreaterThan(50);
            assertThat(filesDeleted).as("files deleted while the child followed").isGreaterThan(ROLLS / 2);
            System.out.println("cross-process chain: " + positions.size() + " records, " + log.endPosition() / SPAN
                    + " rolls, " + truncations + " truncations, " + filesDeleted + " files deleted while followed; "
                    + held.size() + " entries held by the child at the end");
        }
    }

    /** The child's acknowledgements: each record, in order, at the position the writer got. */
    private static final class Acks {
        private final List<Long> positions;
        int count;

        Acks(List<Long> positions) {
            this.positions = positions;
        }

        /** Checks one line of the child's; false when there was none. */
        boolean take(String line) {
            if (line == null) {
                return false;
            }
            String[] f = line.split(" ");
            assertThat(f[0]).as("line from the child: %s", line).isEqualTo("r");
            assertThat(Long.parseLong(f[1])).as("position of record %d", count).isEqualTo(positions.get(count));
            assertThat(Integer.parseInt(f[2])).as("number of the record at %s", f[1]).isEqualTo(count);
            count++;
            return true;
        }

        long lastPosition() {
            return count == 0 ? -1 : positions.get(count - 1);
        }
    }
}
