package dev.growlog;

import dev.growlog.error.CorruptLogException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss, simulated: a copy of the file is taken while the log is open (the copy reads the
 * page cache, so it holds everything appended), then everything after the last durable point
 * (the header checkpoint, {@link GrowLogStats#syncedPosition()}) is destroyed the way a lost
 * write-back leaves it: whole pages zeroed or garbled in any order, or garbage from a random
 * offset. Recovery of the copy must keep every durable record, return nothing that was not
 * written at its position, and take new appends that survive a reopen.
 */
@ExtendWith(Seeded.class)
class PowerLossTest {
    static final int PAGE = 4096;
    /** Small segments and growth steps: padding records and many growths in a short log. */
    static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(16 * 1024)
            .maxGrowthStep(32 * 1024).build();
    static final int HEADER_CHECKPOINT_BLOCK = LogFiles.CHECKPOINT_OFFSET;
    static final int HEADER_CHECKPOINT_BLOCK_END = 72;

    /** How the bytes after the durable point are lost. */
    enum Loss {
        /** Random whole pages after the durable point read as zeros; the rest of its own page may too. */
        ZEROED_PAGES,
        /** Random whole pages after the durable point hold random bytes. */
        GARBLED_PAGES,
        /** Random bytes from a random offset after the durable point, not page-aligned. */
        GARBAGE_MID_PAGE,
        /** The last sync wrote the data but not the header: the header holds an earlier checkpoint. */
        OLDER_HEADER,
        /** The header's checkpoint block is torn too: recovery must scan from the first record. */
        TORN_CHECKPOINT_BLOCK
    }

    @TempDir
    Path dir;

    @Test
    void zeroedPagesAfterTheLastSync_recoveryKeepsEveryDurableRecord(Random random) throws Exception {
        rounds(Loss.ZEROED_PAGES, 8, random);
    }

    @Test
    void garbledPagesAfterTheLastSync_recoveryKeepsEveryDurableRecord_andReturnsNoGarbage(Random random) throws Exception {
        rounds(Loss.GARBLED_PAGES, 8, random);
    }

    @Test
    void garbageFromAnOffsetInsideAPage_recoveryKeepsEveryDurableRecord_andReturnsNoGarbage(Random random) throws Exception {
        rounds(Loss.GARBAGE_MID_PAGE, 8, random);
    }

    @Test
    void headerFromBeforeTheLastSync_recoveryScansFromTheOlderCheckpoint_andKeepsEveryDurableRecord(Random random)
            throws Exception {
        rounds(Loss.OLDER_HEADER, 8, random);
    }

    @Test
    void tornCheckpointBlock_recoveryScansFromTheFirstRecord_andKeepsEveryIntactRecordBeforeTheDamage(Random random)
            throws Exception {
        rounds(Loss.TORN_CHECKPOINT_BLOCK, 8, random);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // the default of 5 minutes bounds the short runs
    void manyPowerLosses_ofEveryKind(Random random) throws Exception {
        for (Loss loss : Loss.values()) {
            rounds(loss, 200, random);
        }
    }

    /** A record as written. */
    record Written(long position, byte[] payload) {
    }

    /** A log written at random, its copy taken while open, and what was durable in it. */
    record Snapshot(Path copy, List<Written> records, long durableEnd, byte[] olderHeader, long olderCheckpoint) {
        List<Written> durable() {
            return records.stream().filter(w -> endOf(w) <= durableEnd).toList();
        }
    }

    static long endOf(Written w) {
        return w.position() + LogFiles.recordSize(w.payload().length);
    }

    private void rounds(Loss loss, int count, Random random) throws Exception {
        for (int round = 0; round < count; round++) {
            Path file = dir.resolve(loss + "-" + round + ".glog");
            Snapshot snapshot = writeAndSnapshot(random, file, dir.resolve(loss + "-" + round + ".copy.glog"));
            String what = loss + " round " + round + " (durable end " + snapshot.durableEnd() + ")";
            loseWhatWasNotDurable(random, snapshot, loss);
            checkRecovery(snapshot, loss, what);
            LogFiles.delete(file);
            LogFiles.delete(snapshot.copy());
        }
    }

    private static byte[] randomPayload(Random random) {
        if (random.nextInt(10) == 0) {
            List<byte[]> json = Samples.nginxJson(); // ~5.5 KiB: segments fill up, padding follows
            return json.get(random.nextInt(json.size()));
        }
        if (random.nextInt(50) == 0) {
            return new byte[0];
        }
        return Samples.apache().get(random.nextInt(Samples.apache().size()));
    }

    private static Snapshot writeAndSnapshot(Random random, Path file, Path copy) throws IOException {
        List<Written> records = new ArrayList<>();
        byte[] olderHeader = null;
        long olderCheckpoint = 0;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            int ops = 100 + random.nextInt(400);
            Set<Integer> syncs = new HashSet<>();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                syncs.add(random.nextInt(ops));
            }
            for (int op = 0; op < ops; op++) {
                byte[] payload = randomPayload(random);
                if (syncs.contains(op)) {
                    if (random.nextBoolean()) { // keep the header as it was before this sync
                        olderHeader = headerPage(file);
                        olderCheckpoint = log.checkpointInFile();
                    }
                    if (random.nextBoolean()) {
                        log.sync();
                        records.add(new Written(log.append(payload), payload));
                    } else {
                        records.add(new Written(log.appendDurable(payload), payload));
                    }
                } else {
                    records.add(new Written(log.append(payload), payload));
                }
            }
            long durableEnd = log.stats().syncedPosition();
            assertThat(log.checkpointInFile()).as("checkpoint in the header").isEqualTo(durableEnd);
            LogFiles.copy(file, copy); // reads the page cache: everything appended, durable or not
            if (olderHeader == null) {
                olderHeader = headerPage(copy);
                olderCheckpoint = durableEnd;
            }
            return new Snapshot(copy, records, durableEnd, olderHeader, olderCheckpoint);
        }
    }

    private static byte[] headerPage(Path file) throws IOException {
        byte[] page = new byte[PAGE];
        try (FileChannel channel = FileChannel.open(LogFiles.first(file), StandardOpenOption.READ)) {
            channel.read(ByteBuffer.wrap(page), 0);
        }
        return page;
    }

    private static void loseWhatWasNotDurable(Random random, Snapshot s, Loss loss) throws IOException {
        long size = LogFiles.size(s.copy());
        long durable = s.durableEnd();
        long firstWholePage = (durable + PAGE - 1) / PAGE * PAGE;
        try (FileChannel channel = FileChannel.open(LogFiles.first(s.copy()), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            switch (loss) {
                case ZEROED_PAGES, OLDER_HEADER, TORN_CHECKPOINT_BLOCK, GARBLED_PAGES -> {
                    boolean garble = loss == Loss.GARBLED_PAGES;
                    double lost = 0.2 + 0.8 * random.nextDouble();
                    if (random.nextBoolean() && firstWholePage > durable) {
                        write(channel, durable, bytes(random, (int) (firstWholePage - durable), garble));
                    }
                    for (long page = firstWholePage; page < size; page += PAGE) {
                        if (random.nextDouble() < lost) {
                            write(channel, page, bytes(random, PAGE, garble));
                        }
                    }
                }
                case GARBAGE_MID_PAGE -> {
                    long end = s.records().isEmpty() ? durable : endOf(s.records().get(s.records().size() - 1));
                    long span = Math.max(1, Math.min(size, end + 2 * PAGE) - durable);
                    long from = durable + (long) (random.nextDouble() * span);
                    int length = (int) Math.min(size - from, 1 + random.nextInt(2 * PAGE));
                    if (length > 0) {
                        write(channel, from, bytes(random, length, true));
                    }
                }
                default -> throw new AssertionError(loss);
            }
            if (loss == Loss.OLDER_HEADER) {
                write(channel, 0, s.olderHeader());
            }
            if (loss == Loss.TORN_CHECKPOINT_BLOCK) {
                write(channel, HEADER_CHECKPOINT_BLOCK,
                        bytes(random, HEADER_CHECKPOINT_BLOCK_END - HEADER_CHECKPOINT_BLOCK, true));
            }
        }
    }

    private static byte[] bytes(Random random, int length, boolean garble) {
        byte[] bytes = new byte[length];
        if (garble) {
            random.nextBytes(bytes);
        }
        return bytes;
    }

    private static void write(FileChannel channel, long position, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }

    private static void checkRecovery(Snapshot s, Loss loss, String what) throws IOException {
        Map<Long, byte[]> byPosition = new LinkedHashMap<>();
        s.records().forEach(w -> byPosition.put(w.position(), w.payload()));
        List<Written> durable = s.durable();

        // A read-only open changes nothing and stops at the damage, never before a durable record.
        try (GrowLog log = GrowLog.openReadOnly(s.copy())) {
            for (Written w : durable) {
                assertThat(log.read(w.position())).as("%s: durable record at %d", what, w.position())
                        .isEqualTo(w.payload());
            }
            List<Long> scanned = new ArrayList<>();
            try (LogReader reader = log.reader(log.startPosition())) {
                while (reader.next()) {
                    checkAsWritten(byPosition, reader.position(), reader.bytes(), what);
                    scanned.add(reader.position());
                }
            } catch (CorruptLogException damage) {
                assertThat(damage.position()).as("%s: damage reported by a read-only scan", what)
                        .isGreaterThanOrEqualTo(s.durableEnd());
            }
            assertThat(scanned.size()).as("%s: records a read-only scan returned", what)
                    .isGreaterThanOrEqualTo(durable.size());
        }

        if (loss == Loss.TORN_CHECKPOINT_BLOCK) {
            recoverWithoutCheckpoint(s, what);
        }
        List<Written> kept;
        try (GrowLog log = GrowLog.open(s.copy(), CONFIG)) {
            RecoveryReport report = log.recoveryReport();
            if (loss != Loss.TORN_CHECKPOINT_BLOCK) {
                long expectedFrom = loss == Loss.OLDER_HEADER ? s.olderCheckpoint() : s.durableEnd();
                assertThat(report.scannedFrom()).as("%s: recovery scanned from (%s)", what, report.summary())
                        .isEqualTo(expectedFrom);
            }
            assertThat(log.endPosition()).as("%s: end after recovery", what).isGreaterThanOrEqualTo(s.durableEnd());
            long end = log.endPosition();
            kept = s.records().stream().filter(w -> w.position() < end).toList();
            long lastKeptEnd = kept.isEmpty() ? log.startPosition() : endOf(kept.get(kept.size() - 1));
            if (end != lastKeptEnd) { // only padding may lie between: the end is then a segment start
                assertThat(end % CONFIG.segmentSize()).as("%s: end %d after the last kept record's end %d", what,
                        end, lastKeptEnd).isZero();
                assertThat(end - lastKeptEnd).isLessThan(CONFIG.segmentSize());
            }
            assertLogHoldsExactly(log, kept, what);
            assertThat(log.verify().clean()).as("%s: verify after recovery", what).isTrue();

            List<Written> appended = new ArrayList<>(kept);
            Random more = new Random(end);
            for (int i = 0; i < 60; i++) {
                byte[] payload = randomPayload(more);
                appended.add(new Written(log.append(payload), payload));
            }
            assertLogHoldsExactly(log, appended, what + ", appending after recovery");
            kept = appended;
        }
        try (GrowLog log = GrowLog.open(s.copy(), CONFIG)) {
            assertThat(log.recoveryReport().cleanShutdown()).isTrue();
            assertLogHoldsExactly(log, kept, what + ", after reopening");
        }
    }

    /**
     * Without a checkpoint, recovery scans from the first record and cannot tell durable records
     * from torn ones: it keeps every valid record, cuts only a tail after which nothing is valid,
     * and reports the damage between (here: only where nothing was durable). The explicit
     * repair then cuts at the first damage, leaving the durable prefix.
     */
    private static void recoverWithoutCheckpoint(Snapshot s, String what) throws IOException {
        List<Damage> damage;
        try (GrowLog log = GrowLog.open(s.copy(), CONFIG)) {
            RecoveryReport report = log.recoveryReport();
            assertThat(report.scannedFrom()).as("%s: recovery scanned from (%s)", what, report.summary())
                    .isEqualTo(log.startPosition());
            assertThat(log.endPosition()).as("%s: end after recovery", what).isGreaterThanOrEqualTo(s.durableEnd());
            damage = report.damage();
            for (Damage d : damage) {
                assertThat(d.position()).as("%s: damage left in place (%s)", what, d)
                        .isGreaterThanOrEqualTo(s.durableEnd());
            }
            for (Written w : s.durable()) {
                assertThat(log.read(w.position())).as("%s: durable record at %d", what, w.position())
                        .isEqualTo(w.payload());
            }
        }
        if (!damage.isEmpty()) {
            RepairReport repaired = GrowLog.repair(s.copy(), RepairMode.TRUNCATE);
            assertThat(repaired.endAfter()).as("%s: cut by the repair", what).isEqualTo(damage.get(0).position());
        }
    }

    private static void checkAsWritten(Map<Long, byte[]> byPosition, long position, byte[] payload, String what) {
        byte[] written = byPosition.get(position);
        if (written == null || !Arrays.equals(written, payload)) {
            throw new AssertionError(what + ": record returned at " + position + " was "
                    + (written == null ? "never written there" : "written with other bytes"));
        }
    }

    /** read() of every record returns its bytes, and a scan returns exactly these records in order. */
    private static void assertLogHoldsExactly(GrowLog log, List<Written> records, String what) throws IOException {
        for (Written w : records) {
            byte[] read = log.read(w.position());
            if (!Arrays.equals(read, w.payload())) {
                throw new AssertionError(what + ": record at " + w.position() + " differs from what was written");
            }
        }
        List<Long> scanned = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            long last = -1;
            int i = 0;
            while (reader.next()) {
                assertThat(reader.position()).as("%s: positions increase", what).isGreaterThan(last);
                last = reader.position();
                if (i < records.size() && !Arrays.equals(reader.bytes(), records.get(i).payload())) {
                    throw new AssertionError(what + ": scan returned other bytes at " + reader.position());
                }
                scanned.add(reader.position());
                i++;
            }
        }
        assertThat(scanned).as("%s: positions a scan returns", what)
                .isEqualTo(records.stream().map(Written::position).toList());
    }
}
