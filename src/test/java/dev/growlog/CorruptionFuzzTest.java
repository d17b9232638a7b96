package dev.growlog;

import dev.growlog.error.CorruptLogException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random bit flips, garbage and truncations in closed and crashed logs: opening never crashes
 * or hangs, fails only with an {@link IOException}, and nothing is ever returned that is not a
 * record that was written at that position. When the log opens for writing, it takes appends.
 */
@ExtendWith(Seeded.class)
class CorruptionFuzzTest {
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder()
            .segmentSize(64 * 1024).initialSize(8192).maxGrowthStep(64 * 1024).build();

    @TempDir
    Path dir;

    /** The records of the base logs, by position. */
    private final Map<Long, byte[]> written = new HashMap<>();
    private Path closed;
    private Path crashed;

    @BeforeEach
    void writeBaseLogs() throws IOException {
        closed = dir.resolve("closed.glog");
        crashed = dir.resolve("crashed.glog");
        Random random = new Random(42);
        try (GrowLog log = GrowLog.open(closed, CONFIG)) {
            for (int i = 0; i < 60; i++) {
                byte[] payload = Payloads.random(random, 0, i % 10 == 0 ? 30_000 : 2000);
                written.put(log.append(payload), payload);
                if (i == 30) {
                    log.sync();
                }
            }
            Files.copy(closed, crashed);
        }
    }

    @Test
    @Timeout(60)
    void damagedLogs_openOrFailCleanly_andNeverReturnForeignRecords_short(Random random) throws IOException {
        fuzz(40, random);
    }

    @Test
    @Tag("stress")
    @Timeout(1800)
    void damagedLogs_openOrFailCleanly_andNeverReturnForeignRecords_long(Random random) throws IOException {
        fuzz(3000, random);
    }

    private void fuzz(int rounds, Random random) throws IOException {
        Path victim = dir.resolve("victim.glog");
        for (int round = 0; round < rounds; round++) {
            Files.copy(random.nextBoolean() ? closed : crashed, victim, StandardCopyOption.REPLACE_EXISTING);
            List<String> damage = damage(victim, random);
            try {
                check(victim, random.nextBoolean());
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("round " + round + " after " + damage + ": " + e, e);
            }
        }
    }

    /** Applies one to four random kinds of damage; returns what was done. */
    private static List<String> damage(Path file, Random random) throws IOException {
        List<String> done = new ArrayList<>();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            long size = LogFiles.size(file);
            if (size == 0) {
                break;
            }
            switch (random.nextInt(5)) {
                case 0 -> {
                    long at = (long) (random.nextDouble() * size);
                    LogFiles.write(file, at, new byte[] {(byte) (LogFiles.read(file, at, 1)[0] ^ (1 << random.nextInt(8)))});
                    done.add("bit flip at " + at);
                }
                case 1 -> {
                    long at = random.nextInt(100) < 20 ? random.nextInt(80) : (long) (random.nextDouble() * size);
                    int length = (int) Math.min(size - at, 1 + random.nextInt(64));
                    LogFiles.write(file, at, Payloads.random(random.nextLong(), length));
                    done.add(length + " garbage bytes at " + at);
                }
                case 2 -> {
                    long to = (long) (random.nextDouble() * size);
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        channel.truncate(to);
                    }
                    done.add("truncated to " + to);
                }
                case 3 -> {
                    // a zeroed sector, as a lost write leaves
                    long at = (long) (random.nextDouble() * size) & -512L;
                    LogFiles.write(file, at, new byte[(int) Math.min(512, size - at)]);
                    done.add("zeroed sector at " + at);
                }
                default -> {
                    long at = LogFiles.HEADER_SIZE + ((long) (random.nextDouble() * (size - LogFiles.HEADER_SIZE)) & -8L);
                    if (at + 8 <= size) {
                        LogFiles.writeInt(file, at, random.nextInt());
                        done.add("random commit word at " + at);
                    }
                }
            }
        }
        return done;
    }

    private void check(Path file, boolean writable) throws IOException {
        GrowLog log;
        try {
            log = writable ? GrowLog.open(file, CONFIG) : GrowLog.openReadOnly(file);
        } catch (IOException refused) {
            return; // refusing a damaged file is fine; anything but an IOException is not
        }
        try (log) {
            try (LogReader reader = log.reader(log.startPosition())) {
                while (reader.next()) {
                    assertWritten(reader.position(), reader.bytes());
                }
            } catch (CorruptLogException reported) {
                // damage found by the scan: reported, and nothing after it was returned
            }
            for (Map.Entry<Long, byte[]> record : written.entrySet()) {
                try {
                    assertWritten(record.getKey(), log.read(record.getKey()));
                } catch (CorruptLogException | IllegalArgumentException refused) {
                    // damaged, cut off, or no longer a record position: refused, not returned
                }
            }
            if (writable) {
                byte[] payload = {1, 2, 3};
                long position = log.append(payload);
                assertThat(log.read(position)).isEqualTo(payload);
            }
        }
    }

    private void assertWritten(long position, byte[] payload) {
        assertThat(written).as("a record was written at %d", position).containsKey(position);
        assertThat(payload).as("record at %d", position).isEqualTo(written.get(position));
    }
}
