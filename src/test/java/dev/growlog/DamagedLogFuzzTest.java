package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.UnsupportedFormatException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Random damage to logs at rest: bit flips, truncations (inside the header too), garbage
 * tails and ranges, forged commit words with lengths up to 2^30-1, random commit words, zeroed
 * sectors (as a lost write leaves), and mixtures of them, in a log closed cleanly and in one
 * copied while open (so recovery scans records after its checkpoint). The logs hold records
 * from empty to 30 KB. Each damaged file is opened read-only and for writing, scanned, read
 * record by record, verified, appended to and reopened.
 *
 * <p>Nothing may crash the JVM, hang, throw anything but {@link CorruptLogException} or
 * {@link UnsupportedFormatException} (and {@link IllegalArgumentException} from
 * {@code read(position)} where no valid record starts), or return a payload that differs from
 * what was written at its position. And what must survive does: while the header is intact the
 * log opens, every record before the first damaged one reads back (and every undamaged one
 * below the end), recovery cuts exactly at the first damaged record after the checkpoint, and
 * after an unclean shutdown everything after the new end is zero.
 */
@ExtendWith(Seeded.class)
class DamagedLogFuzzTest {
    static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(64 * 1024)
            .maxGrowthStep(64 * 1024).build();
    static final Duration CASE_TIMEOUT = Duration.ofSeconds(60);

    /** What is done to the file. */
    enum Harm { BIT_FLIPS, TRUNCATION, GARBAGE, FORGED_LENGTH, ZEROED_SECTORS, RANDOM_COMMIT_WORDS, MIXED }

    @TempDir
    Path dir;

    @Test
    void bitFlips_neverCrashHangOrReturnWrongBytes_andKeepWhatIsBeforeThem(Random random) throws Exception {
        fuzz(Harm.BIT_FLIPS, 50, random);
    }

    @Test
    void truncationsAnywhere_includingInsideTheHeader_neverCrashHangOrReturnWrongBytes(Random random)
            throws Exception {
        fuzz(Harm.TRUNCATION, 50, random);
    }

    @Test
    void garbageTailsAndGarbageRanges_neverCrashHangOrReturnWrongBytes_andAreCutOrReported(Random random)
            throws Exception {
        fuzz(Harm.GARBAGE, 50, random);
    }

    @Test
    void forgedHugeLengths_neverCrashHangAllocateThemOrReturnWrongBytes(Random random) throws Exception {
        fuzz(Harm.FORGED_LENGTH, 50, random);
    }

    @Test
    void zeroedSectors_neverReturnWrongBytes_andKeepWhatIsBeforeThem(Random random) throws Exception {
        fuzz(Harm.ZEROED_SECTORS, 40, random);
    }

    @Test
    void randomCommitWords_neverReturnWrongBytes_andKeepWhatIsBeforeThem(Random random) throws Exception {
        fuzz(Harm.RANDOM_COMMIT_WORDS, 40, random);
    }

    @Test
    void mixedDamage_neverCrashesHangsOrReturnsWrongBytes_andKeepsWhatIsBeforeIt(Random random) throws Exception {
        fuzz(Harm.MIXED, 50, random);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // the default of 5 minutes bounds the short runs
    void thousandsOfDamagedLogs(Random random) throws Exception {
        for (Harm harm : Harm.values()) {
            fuzz(harm, 1_000, random);
        }
    }

    /**
     * An undamaged log's bytes, what was written in it by position (in order), its end and the
     * checkpoint its header holds.
     */
    record Base(String name, byte[] bytes, Map<Long, byte[]> written, long end, long checkpoint, boolean clean) {
    }

    private void fuzz(Harm harm, int cases, Random random) throws Exception {
        List<Base> bases = List.of(base(random, true), base(random, false));
        for (int n = 0; n < cases; n++) {
            Base base = bases.get(n % bases.size());
            Path file = dir.resolve("case-" + n + ".glog");
            LogFiles.writeFirst(file, base.bytes());
            List<String> done = new ArrayList<>();
            damage(random, harm, file, base, done);
            String what = "case " + n + " (" + base.name() + " log, " + String.join("; ", done) + ")";
            assertTimeoutPreemptively(CASE_TIMEOUT, () -> exercise(file, base, what), what + " hung");
            LogFiles.delete(file);
        }
    }

    /** Writes a log: closed cleanly, or copied while open after a sync part way (an unclean one). */
    private Base base(Random random, boolean clean) throws IOException {
        Path file = dir.resolve(clean ? "clean.glog" : "unclean.glog");
        Map<Long, byte[]> written = new LinkedHashMap<>();
        byte[] whileOpen;
        long end;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            for (int i = 0; i < 250; i++) {
                byte[] payload = i % 10 == 0 ? Payloads.random(random, 0, 30_000) : payload(random);
                written.put(log.append(payload), payload);
                if (i == 120) {
                    log.sync(); // the checkpoint of the unclean copy
                }
            }
            end = log.endPosition();
            whileOpen = Files.readAllBytes(LogFiles.first(file));
        }
        byte[] bytes = clean ? Files.readAllBytes(LogFiles.first(file)) : whileOpen;
        LogFiles.delete(file);
        long checkpoint = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(LogFiles.CHECKPOINT_OFFSET);
        return new Base(clean ? "clean" : "unclean", bytes, written, end, checkpoint, clean);
    }

    private static byte[] payload(Random random) {
        int dice = random.nextInt(20);
        if (dice == 0) {
            return new byte[0];
        }
        if (dice < 3) {
            return Samples.nginxJson().get(random.nextInt(Samples.nginxJson().size()));
        }
        return Samples.apache().get(random.nextInt(Samples.apache().size()));
    }

    private static void damage(Random random, Harm harm, Path file, Base base, List<String> done)
            throws IOException {
        switch (harm) {
            case BIT_FLIPS -> flipBits(random, file, base, done);
            case TRUNCATION -> truncate(random, file, done);
            case GARBAGE -> garbage(random, file, base, done);
            case FORGED_LENGTH -> forgeLength(random, file, base, done);
            case ZEROED_SECTORS -> zeroSector(random, file, done);
            case RANDOM_COMMIT_WORDS -> randomCommitWord(random, file, done);
            case MIXED -> {
                for (int k = 0, count = 2 + random.nextInt(3); k < count; k++) {
                    damage(random, Harm.values()[random.nextInt(Harm.MIXED.ordinal())], file, base, done);
                }
            }
            default -> throw new AssertionError(harm);
        }
    }

    private static void flipBits(Random random, Path file, Base base, List<String> done) throws IOException {
        long size = LogFiles.size(file);
        if (size == 0) {
            return;
        }
        int flips = 1 + random.nextInt(16);
        for (int k = 0; k < flips; k++) {
            int where = random.nextInt(10);
            long at = where == 0 ? random.nextInt(72) // the header fields and checkpoint block
                    : where < 8 ? random.nextLong(Math.min(size, base.end())) // the records
                    : random.nextLong(size);
            at = Math.min(at, size - 1);
            int bit = random.nextInt(8);
            Corruption.flipBit(file, at, bit);
            done.add("flip bit " + bit + " at " + at);
        }
    }

    private static void truncate(Random random, Path file, List<String> done) throws IOException {
        long size = LogFiles.size(file);
        long to = random.nextInt(5) == 0 ? random.nextLong(Math.min(size, 4096) + 1) : random.nextLong(size + 1);
        try (FileChannel channel = FileChannel.open(LogFiles.first(file), StandardOpenOption.WRITE)) {
            channel.truncate(to);
        }
        done.add("truncate to " + to);
    }

    private static void garbage(Random random, Path file, Base base, List<String> done) throws IOException {
        long size = LogFiles.size(file);
        long from;
        long to;
        switch (random.nextInt(3)) {
            case 0 -> { // a garbage tail right after the last record, up to the end of the file
                from = Math.min(size, base.end());
                to = size;
            }
            case 1 -> { // garbage appended past the end of the file: a size that is no page multiple
                from = size;
                to = size + 1 + random.nextInt(20_000);
            }
            default -> { // a garbage range anywhere
                from = size == 0 ? 0 : random.nextLong(size);
                to = from + 1 + random.nextInt(16 * 1024);
            }
        }
        byte[] bytes = new byte[(int) Math.min(to - from, 1 << 20)];
        random.nextBytes(bytes);
        write(file, from, bytes);
        done.add("garbage [" + from + ", " + (from + bytes.length) + ")");
    }

    private static void forgeLength(Random random, Path file, Base base, List<String> done) throws IOException {
        List<Long> positions = new ArrayList<>(base.written().keySet());
        long size = LogFiles.size(file);
        long at = switch (random.nextInt(6)) {
            case 0 -> base.end(); // where the next record would go
            case 1 -> (random.nextLong(Math.max(1, size - 4096)) + 4096) & -8;
            default -> positions.get(random.nextInt(positions.size()));
        };
        if (at + 4 > size) {
            return;
        }
        int type = random.nextInt(4) << 30;
        int length = switch (random.nextInt(4)) {
            case 0 -> (1 << 30) - 1;
            case 1 -> (1 << 29) + random.nextInt(1 << 29);
            case 2 -> (int) Math.min((1 << 30) - 1, size - at + random.nextInt(64 * 1024)); // just past the file
            default -> random.nextInt(1 << 30);
        };
        ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, type | length);
        write(file, at, word.array());
        done.add("forged commit word 0x" + Integer.toHexString(type | length) + " at " + at);
    }

    /** A sector of zeros, as a write the disk lost leaves behind. */
    private static void zeroSector(Random random, Path file, List<String> done) throws IOException {
        long size = LogFiles.size(file);
        if (size == 0) {
            return;
        }
        long at = random.nextLong(size) & -512L;
        write(file, at, new byte[(int) Math.min(512, size - at)]);
        done.add("zeroed sector at " + at);
    }

    /** A random word at a record-aligned offset: a commit word where a record starts, else payload. */
    private static void randomCommitWord(Random random, Path file, List<String> done) throws IOException {
        long size = LogFiles.size(file);
        if (size <= LogFiles.HEADER_SIZE + 8) {
            return;
        }
        long at = LogFiles.HEADER_SIZE + (random.nextLong(size - LogFiles.HEADER_SIZE - 8) & -8L);
        int word = random.nextInt();
        write(file, at, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, word).array());
        done.add("random commit word 0x" + Integer.toHexString(word) + " at " + at);
    }

    private static void write(Path file, long at, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(LogFiles.first(file), StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer, at + buffer.position());
            }
        }
    }

    /**
     * What must survive the damage, found by comparing the damaged file with the base byte by
     * byte over what each record's checksum covers (a padding record's checksum covers its
     * header only): the records before the first damaged one, the undamaged ones, and where
     * recovery must cut. Null fields mean the header itself was damaged: then nothing is owed.
     */
    record Survival(List<Long> beforeDamage, List<Long> undamaged, Long cutAt) {
    }

    static Survival survival(Path file, Base base) throws IOException {
        byte[] now = Files.readAllBytes(LogFiles.first(file));
        if (now.length < LogFiles.HEADER_SIZE
                || !Arrays.equals(now, 0, LogFiles.HEADER_SIZE, base.bytes(), 0, LogFiles.HEADER_SIZE)) {
            return null;
        }
        List<Long> beforeDamage = new ArrayList<>();
        List<Long> undamaged = new ArrayList<>();
        Long firstDamagedAfterCheckpoint = null;
        boolean damageSeen = false;
        long previousEnd = LogFiles.HEADER_SIZE;
        for (Map.Entry<Long, byte[]> record : base.written().entrySet()) {
            long position = record.getKey();
            if (position > previousEnd) { // a padding record fills the rest of the segment
                if (!same(now, base.bytes(), previousEnd, previousEnd + LogFiles.RECORD_HEADER)) {
                    damageSeen = true;
                    if (firstDamagedAfterCheckpoint == null && previousEnd >= base.checkpoint()) {
                        firstDamagedAfterCheckpoint = previousEnd;
                    }
                }
            }
            long covered = position + LogFiles.RECORD_HEADER + record.getValue().length;
            if (same(now, base.bytes(), position, covered)) {
                undamaged.add(position);
                if (!damageSeen) {
                    beforeDamage.add(position);
                }
            } else {
                damageSeen = true;
                if (firstDamagedAfterCheckpoint == null && position >= base.checkpoint()) {
                    firstDamagedAfterCheckpoint = position;
                }
            }
            previousEnd = position + LogFiles.recordSize(record.getValue().length);
        }
        boolean truncatedBelowCheckpoint = now.length < base.checkpoint();
        Long cutAt = truncatedBelowCheckpoint ? null
                : firstDamagedAfterCheckpoint != null ? firstDamagedAfterCheckpoint : Long.valueOf(base.end());
        return new Survival(beforeDamage, undamaged, cutAt);
    }

    /** True when {@code [from, to)} holds the same bytes in both, and exists in {@code now}. */
    private static boolean same(byte[] now, byte[] was, long from, long to) {
        return to <= now.length && Arrays.equals(now, (int) from, (int) to, was, (int) from, (int) to);
    }

    /** Opens, reads, verifies, appends and reopens the damaged file; checks every byte returned and what must survive. */
    private static void exercise(Path file, Base base, String what) throws Exception {
        Map<Long, byte[]> expected = new LinkedHashMap<>(base.written());
        Survival survival = survival(file, base);
        try {
            try (GrowLog log = GrowLog.openReadOnly(file)) {
                readEverything(log, expected, what, true);
                if (survival != null) {
                    assertSurvivors(log, base, survival.beforeDamage(), what + ", read-only");
                }
            } catch (CorruptLogException | UnsupportedFormatException refused) {
                assertThat(refused).hasMessageContaining(file.toString());
                assertThat(survival).as("%s: refused read-only although the header is intact: %s", what, refused)
                        .isNull();
            }
            try (GrowLog log = GrowLog.open(file, CONFIG)) {
                long end = log.endPosition();
                if (survival != null) {
                    if (survival.cutAt() != null) {
                        assertThat(end).as("%s: where recovery cut (%s)", what, log.recoveryReport().summary())
                                .isEqualTo(survival.cutAt());
                    }
                    if (!base.clean()) {
                        long size = LogFiles.size(file); // may end inside a last padding record
                        assertThat(end >= size || LogFiles.allZero(file, end, size))
                                .as("%s: the torn tail [%d, %d) is zeroed after an unclean shutdown", what, end, size)
                                .isTrue();
                    }
                    assertSurvivors(log, base, survival.beforeDamage(), what);
                    for (long position : survival.undamaged()) {
                        if (position < end) {
                            assertThat(log.read(position)).as("%s: undamaged record at %d", what, position)
                                    .isEqualTo(base.written().get(position));
                        }
                    }
                }
                readEverything(log, expected, what, false);
                expected.keySet().removeIf(position -> position >= end); // cut by recovery: zeroed now
                for (int i = 0; i < 3; i++) {
                    byte[] payload = Samples.apache().get(i);
                    long position = log.append(payload);
                    expected.put(position, payload);
                    assertThat(log.read(position)).isEqualTo(payload);
                }
                readEverything(log, expected, what + ", after appends", false);
            } catch (CorruptLogException | UnsupportedFormatException refused) {
                assertThat(refused).hasMessageContaining(file.toString());
                assertThat(survival).as("%s: refused to open although the header is intact: %s", what, refused)
                        .isNull();
                return;
            }
            try (GrowLog log = GrowLog.openReadOnly(file)) {
                readEverything(log, expected, what + ", reopened", true);
                if (survival != null) {
                    assertSurvivors(log, base, survival.beforeDamage(), what + ", reopened");
                }
            }
        } catch (Throwable unexpected) {
            throw new AssertionError(what + ": unexpected " + unexpected, unexpected);
        }
    }

    /** The records before the first damage read back at random and, first and in order, in a scan. */
    private static void assertSurvivors(GrowLog log, Base base, List<Long> survivors, String what) throws IOException {
        for (long position : survivors) {
            assertThat(log.read(position)).as("%s: record at %d, before any damage", what, position)
                    .isEqualTo(base.written().get(position));
        }
        try (LogReader reader = log.reader(log.startPosition())) {
            for (long position : survivors) {
                assertThat(reader.next()).as("%s: the scan reaches the record at %d", what, position).isTrue();
                assertThat(reader.position()).as("%s: scan position", what).isEqualTo(position);
                assertThat(reader.bytes()).isEqualTo(base.written().get(position));
            }
        }
    }

    private static void readEverything(GrowLog log, Map<Long, byte[]> written, String what, boolean zeroCopy)
            throws IOException {
        log.stats();
        log.recoveryReport().summary();
        for (Map.Entry<Long, byte[]> e : written.entrySet()) {
            try {
                checkAsWritten(written, e.getKey(), log.read(e.getKey()), what);
            } catch (CorruptLogException | IllegalArgumentException noValidRecordThere) {
                // damaged, cut, or past the end: reported, not returned
            }
        }
        long last = -1;
        int returned = 0;
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                assertThat(reader.position()).as("%s: positions increase", what).isGreaterThan(last);
                last = reader.position();
                checkAsWritten(written, reader.position(), reader.bytes(), what);
                returned++;
            }
        } catch (CorruptLogException damage) {
            assertThat(damage.position()).as("%s: damage is after the last record returned", what)
                    .isGreaterThan(last);
        }
        assertThat(returned).isLessThanOrEqualTo(written.size());
        if (zeroCopy) {
            try (LogReader reader = log.reader(log.startPosition())) {
                reader.forEach((position, payload) -> {
                    byte[] bytes = new byte[payload.remaining()];
                    payload.get(bytes);
                    checkAsWritten(written, position, bytes, what);
                });
            } catch (CorruptLogException damage) {
                // reported after every good record before it
            }
        }
        VerifyReport report = log.verify();
        assertThat(report.records()).as("%s: records verify() counts", what).isLessThanOrEqualTo(written.size());
        long previous = -1;
        for (dev.growlog.Damage d : report.damage()) {
            assertThat(d.position()).as("%s: damage in order", what).isGreaterThan(previous);
            assertThat(d.length()).isPositive();
            previous = d.position();
        }
    }

    private static void checkAsWritten(Map<Long, byte[]> written, long position, byte[] payload, String what) {
        byte[] expected = written.get(position);
        if (expected == null || !Arrays.equals(expected, payload)) {
            throw new AssertionError(what + ": a record returned at " + position + " was "
                    + (expected == null ? "never written there" : "written with other bytes"));
        }
    }
}
