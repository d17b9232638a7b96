package dev.growlog.internal.chain;

import dev.growlog.Damage;
import dev.growlog.GrowLogConfig;
import dev.growlog.RepairMode;
import dev.growlog.RepairReport;
import dev.growlog.internal.file.FileOpener;
import dev.growlog.internal.file.LogFile;
import dev.growlog.internal.file.Repairer;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.nativeio.Syscalls;
import dev.growlog.internal.recovery.RecordScanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Explicit repair of a whole log ({@code GrowLog.repair(Path, RepairMode)}): every file of the
 * chain, sealed or not, is checked past damage from the log's start, and then either
 * <ul>
 *   <li>{@link RepairMode#SKIP}: each damaged range in each file is covered by skipped records
 *       (a sealed file whose end was lost is sealed again to its span end, and a missing file
 *       between two others is made again, empty and sealed), so every valid record keeps its
 *       position and readers read through; or</li>
 *   <li>{@link RepairMode#TRUNCATE}: the log is cut at its first damaged record. When that lies
 *       in a sealed file {@code k}, every later file is deleted and file {@code k} becomes the
 *       writer's file, cut there: appends go on from the cut, positions stay global.</li>
 * </ul>
 * Damage wholly before the log's start is left alone, and a cut never goes below the start.
 * Nothing is written to a file without damage: repairing a clean log changes no byte.
 *
 * <p>A sealed file is damaged when a record in it fails validation, and also when its records
 * do not reach its span end: it was truncated (by a copy, say) or its padding was lost. A
 * missing file with files on both sides is damage too; opening such a log for writing is
 * refused naming the file, and a repair with {@code TRUNCATE} cuts the log before it.
 *
 * <h2>Crash safety</h2>
 * {@code TRUNCATE} deletes the files after file {@code k} from the last one backwards, fsyncing
 * the directory after each deletion, and only then cuts file {@code k}. So at every moment the
 * files on disk are contiguous ({@code start .. m}, {@code m >= k}) and every file that is left
 * is unchanged or already cut: a crash (or a power loss) at any step leaves a log that opens,
 * whose last file is a clean sealed file or file {@code k}, and the first damage is still where
 * it was, so a second repair finds the same cut and finishes. Cutting {@code k} first would be
 * unsafe: a crash before the later files are deleted would leave {@code k} unsealed and not last,
 * and the next open would seal it again and bring the records after the cut back. The cut zeroes
 * everything after it and fdatasyncs that before the checkpoint that points at the new end is
 * written; once the repair has returned, every deletion and the cut are durable, so no record
 * after the cut ever comes back. {@code SKIP} writes skipped records commit word last and syncs
 * a file before it marks it clean; a crash part way leaves damage that the next repair covers
 * the same way. A missing file is made again under a temporary name and renamed into place, so
 * a crash never leaves a half-made data file.
 *
 * <p>NOTE: the start and the cursors are not changed. A cursor committed past the new end of a
 * {@code TRUNCATE} is past the end, as after any loss of a log's tail: a reader or tailer from
 * it is refused with {@link IllegalArgumentException} until the log grows past it again or the
 * cursor is moved ({@code Cursor.move(long)}, {@code growlog cursor set}).
 */
public final class ChainRepairer {
    /** A point between the steps of a repair, for tests that stop a repair there as a crash would. */
    public interface Steps {
        /** Steps that do nothing. */
        Steps NONE = step -> { };

        /** Called after {@code step} is done, before the next one starts. */
        void reached(String step) throws IOException;
    }

    /** The configuration a repair opens the log with. */
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder().pretouchAhead(0).build();

    private final RepairMode mode;
    private final Steps steps;
    private final Syscalls sys;
    /** Damage found, at global positions, in any order until the report sorts it. */
    private final List<Damage> damage = new ArrayList<>();
    /** Valid records in files deleted by the repair. */
    private long droppedInDeletedFiles;
    /** The writer's end before the repair, when a deleted last file had it; else -1. */
    private long endBefore = -1;
    /** Data files deleted because they lay after the cut. */
    private int filesDeleted;
    /** The log's span, once the chain is open. */
    private long span;

    private ChainRepairer(RepairMode mode, Steps steps, Syscalls sys) {
        this.mode = mode;
        this.steps = steps;
        this.sys = sys;
    }

    /** Repairs the log in {@code path}; see {@code GrowLog.repair(Path, RepairMode)}. */
    public static RepairReport repair(Path path, RepairMode mode, Steps steps) throws IOException {
        return repair(path, mode, steps, Syscalls.libc());
    }

    /** As {@link #repair(Path, RepairMode, Steps)}, with every native call made through {@code sys}. */
    public static RepairReport repair(Path path, RepairMode mode, Steps steps, Syscalls sys) throws IOException {
        // No pretoucher: repair writes through the mappings without the append lock, so nothing
        // else may grow (and perhaps move) them meanwhile.
        ChainRepairer repairer = new ChainRepairer(mode, steps, sys);
        try (Opened log = new Opened(Opener.openForRepair(path, CONFIG, repairer.sys, repairer))) {
            repairer.span = log.chain().span();
            return repairer.repair(log.chain());
        }
    }

    /** The chain a repair opened, closed as a log's close closes it: marked closed, then its files. */
    private record Opened(Chain chain) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            chain.markClosed();
            chain.closeFiles();
        }
    }

    /** One sealed file as a full check found it: records, damage and where its records end. */
    private record Scanned(long index, RecordScanner.Result result) {
    }

    private RepairReport repair(Chain chain) throws IOException {
        LogFile writer = chain.current();
        long before = endBefore >= 0 ? endBefore : writer.base() + writer.appender().end();
        long keptBefore = 0;
        for (long index = chain.start() / span; index < writer.index(); index++) {
            Scanned s = scanSealed(chain, index);
            long start = index * span + startIn(chain, index);
            List<Damage> found = Repairer.publicDamage(s.result(), index * span).stream()
                    .filter(d -> d.position() + d.length() > start).toList();
            if (found.isEmpty()) {
                keptBefore += s.result().records();
                continue;
            }
            damage.addAll(found);
            if (mode == RepairMode.TRUNCATE) {
                return cutInSealed(chain, s, keptBefore, before);
            }
            keptBefore += s.result().records();
            skipInSealed(chain, s, start);
            steps.reached("skipped in file " + index);
        }
        RepairReport last = writer.repair(mode, startIn(chain, writer.index()), chain.appendLock());
        damage.addAll(last.damage());
        return report(keptBefore + last.recordsKept(), droppedInDeletedFiles + last.recordsDropped(), before,
                last.endAfter());
    }

    /** TRUNCATE at damage in sealed file {@code s}: deletes every later file, last first, then cuts it. */
    private RepairReport cutInSealed(Chain chain, Scanned s, long keptBefore, long before) throws IOException {
        steps.reached("scanned");
        LogFile writer = chain.current();
        for (long index = writer.index(); index > s.index(); index--) {
            Scanned doomed = index == writer.index() ? new Scanned(index, writer.verify(FileHeader.SIZE,
                    Long.MAX_VALUE, p -> { })) : scanSealed(chain, index);
            List<Damage> found = Repairer.publicDamage(doomed.result(), index * chain.span());
            damage.addAll(found);
            droppedInDeletedFiles += doomed.result().records();
            if (index == writer.index()) {
                writer.abandon();
            }
            delete(chain.dir(), DataFiles.path(chain.dir(), index, chain.span()));
        }
        LogFile cut = FileOpener.openWritable(DataFiles.path(chain.dir(), s.index(), chain.span()),
                chain.identity(s.index()), CONFIG, sys, chain.appendLock(), chain.failure(), true, false);
        cut.appender().budget(chain.budget());
        chain.setCurrent(cut);
        steps.reached("opened file " + s.index());
        RepairReport r = cut.repair(RepairMode.TRUNCATE, startIn(chain, s.index()), chain.appendLock());
        steps.reached("cut file " + s.index());
        return report(keptBefore + r.recordsKept(), droppedInDeletedFiles + r.recordsDropped(), before,
                r.endAfter());
    }

    /**
     * SKIP in sealed file {@code s}: covers each damaged range that reaches past the global
     * position {@code start}, seals again a lost end, syncs, marks the file clean.
     */
    private void skipInSealed(Chain chain, Scanned s, long start) throws IOException {
        long base = s.index() * chain.span();
        LogFile f = FileOpener.openWritable(DataFiles.path(chain.dir(), s.index(), chain.span()),
                chain.identity(s.index()), CONFIG, sys, chain.appendLock(), chain.failure(), true, false);
        try {
            RecordScanner.Result r = s.result();
            for (RecordScanner.Damage d : r.damage()) {
                if (d.position() + d.length() <= r.end() && base + d.position() + d.length() > start) {
                    Repairer.skip(f.mapping(), base, d.position(), d.position() + d.length());
                }
            }
            chain.appendLock().lock();
            try {
                f.appender().reset(r.end(), r.records(), r.bytes());
                f.appender().seal(); // a lost end: padding from the last valid record to the span end
            } finally {
                chain.appendLock().unlock();
            }
            f.checkpointer().resyncFrom(FileHeader.SIZE);
        } catch (IOException | RuntimeException e) {
            f.abandonAfter(e);
            throw e;
        }
        f.retire(); // syncs everything, marks it clean, closes it
    }

    /** Checks sealed file {@code index} whole, read-only; a lost end is damage up to the span end. */
    private Scanned scanSealed(Chain chain, long index) throws IOException {
        Path path = DataFiles.path(chain.dir(), index, chain.span());
        LogFile f = FileOpener.openReadOnly(path, chain.identity(index), 0, sys);
        try {
            RecordScanner.Result r = f.verify(FileHeader.SIZE, chain.span(), p -> { });
            return new Scanned(index, sealedEnd(r, chain.span(), path, f.mapping().mappedLength()));
        } finally {
            f.close();
        }
    }

    /**
     * The check of a sealed file, with damage up to its span end when its records end before it:
     * a sealed file's records and padding reach its span end exactly. Any damage the scan found
     * after its last valid record becomes part of that one range.
     */
    public static RecordScanner.Result sealedEnd(RecordScanner.Result r, long span, Path file, long size) {
        if (r.end() >= span) {
            return r;
        }
        List<RecordScanner.Damage> damage = new ArrayList<>();
        String why = null;
        for (RecordScanner.Damage d : r.damage()) {
            if (d.position() + d.length() <= r.end()) {
                damage.add(d);
            } else if (why == null) {
                why = d.reason();
            }
        }
        damage.add(new RecordScanner.Damage(r.end(), span - r.end(), "sealed file " + file + " ends at offset "
                + r.end() + " before its span end " + span + " (size=" + size + "): truncated, or its padding lost"
                + (why == null ? "" : "; " + why)));
        return new RecordScanner.Result(r.end(), r.records(), r.bytes(), damage, r.next(), r.done());
    }

    /** Where the log's start lies in file {@code index}, as an offset; the first record for a later file. */
    private static long startIn(Chain chain, long index) {
        return Math.max(FileHeader.SIZE, chain.start() - index * chain.span());
    }

    /**
     * Before the chain is checked, under the writer lock: a file missing between two others is
     * cut at ({@code TRUNCATE}: every file after it is deleted, last first) or made again, empty
     * ({@code SKIP}: the open then seals it to its span end). Returns the files now on disk.
     */
    TreeMap<Long, Path> mendGaps(Chain chain, TreeMap<Long, Path> onDisk) throws IOException {
        span = chain.span();
        if (onDisk.keySet().stream().anyMatch(base -> base % span != 0)) {
            return onDisk; // a file that does not belong: refused by the open, naming it
        }
        long missing = firstMissing(onDisk, span);
        if (missing < 0) {
            return onDisk;
        }
        if (mode == RepairMode.TRUNCATE) {
            damage.add(missingFile(chain, missing / span, "the log was cut before it"));
            for (Map.Entry<Long, Path> e : onDisk.descendingMap().headMap(missing).entrySet()) {
                long index = e.getKey() / span;
                LogFile f = FileOpener.openReadOnly(e.getValue(), chain.identity(index), 0, sys);
                try {
                    RecordScanner.Result r = f.verify(FileHeader.SIZE, Long.MAX_VALUE, p -> { });
                    endBefore = endBefore >= 0 ? endBefore : e.getKey() + r.end();
                    droppedInDeletedFiles += r.records();
                    damage.addAll(Repairer.publicDamage(r, e.getKey()));
                } finally {
                    f.close();
                }
                delete(chain.dir(), e.getValue());
            }
        } else {
            for (long base = missing; base < onDisk.lastKey(); base += span) {
                if (!onDisk.containsKey(base)) {
                    remake(chain, base / span);
                    damage.add(missingFile(chain, base / span, "made again, empty, sealed to its span end"));
                }
            }
        }
        return DataFiles.list(chain.dir());
    }

    /** The base of the first file missing between the first and the last, or -1. */
    private static long firstMissing(TreeMap<Long, Path> onDisk, long span) {
        long expected = onDisk.firstKey();
        for (long base : onDisk.keySet()) {
            if (base != expected) {
                return expected;
            }
            expected = base + span;
        }
        return -1;
    }

    private static Damage missingFile(Chain chain, long index, String done) {
        return missingFile(chain.dir(), index, chain.span(), done);
    }

    /** The damage a data file missing between two others is: all of its records. */
    public static Damage missingFile(Path dir, long index, long span, String done) {
        return new Damage(index * span + FileHeader.SIZE, span - FileHeader.SIZE, "data file "
                + DataFiles.path(dir, index, span) + " is missing, with files on both sides; " + done);
    }

    /** Makes missing file {@code index} again, empty and not marked clean, under a temporary name first. */
    private void remake(Chain chain, long index) throws IOException {
        Path temp = DataFiles.temp(chain.dir(), index, chain.span());
        FileOpener.create(temp, chain.identity(index), Math.min(FileOpener.initialSize(CONFIG, sys), chain.span()),
                CONFIG, sys);
        Files.move(temp, DataFiles.path(chain.dir(), index, chain.span()), StandardCopyOption.ATOMIC_MOVE);
        sys.syncDirectory(chain.dir());
        steps.reached("made file " + index);
    }

    /** Deletes a data file durably, so that the files left stay contiguous after a power loss too. */
    private void delete(Path dir, Path file) throws IOException {
        Files.deleteIfExists(file);
        filesDeleted++;
        sys.syncDirectory(dir);
        steps.reached("deleted " + file.getFileName());
    }

    private RepairReport report(long kept, long dropped, long before, long after) {
        List<Damage> sorted = damage.stream().distinct().sorted(Comparator.comparingLong(Damage::position)).toList();
        int files = (int) sorted.stream().mapToLong(d -> d.position() / span).distinct().count();
        return new RepairReport(mode, sorted, kept, dropped, before, after, files, filesDeleted);
    }
}
