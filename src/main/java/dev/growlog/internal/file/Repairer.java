package dev.growlog.internal.file;

import dev.growlog.Damage;
import dev.growlog.RepairMode;
import dev.growlog.RepairReport;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;
import dev.growlog.internal.recovery.RecordScanner;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * Explicit repair of a damaged log: a full scan past damage, then either a cut at the first
 * damage or skipped-range records over each damaged range. Runs on a log just opened for
 * writing without cutting its tail, before anyone else can use it.
 *
 * <h2>Crash safety</h2>
 * Skipped-range records are written commit word last, like any record, then everything is
 * synced before the checkpoint moves; a crash part way leaves a log that the next repair (or
 * recovery) handles the same way.
 */
public final class Repairer {
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Repairer() {
    }

    /**
     * Repairs the writer's file of a log just opened for writing with its damage kept; damage
     * that lies wholly before offset {@code start} (the log's start, when it lies in this file)
     * is left alone, and a cut never goes below it. See {@code GrowLog.repair(Path, RepairMode)}.
     */
    static RepairReport apply(RepairMode mode, long start, Path file, Syscalls sys, int fd, GrowableMapping mapping,
                              long base, Appender appender, Checkpointer checkpointer, OrderedLock appendLock)
            throws IOException {
        long endBefore = appender.end();
        RecordScanner.Result all = RecordScanner.verifyFile(mapping, base, FileHeader.SIZE, Long.MAX_VALUE);
        List<RecordScanner.Damage> damage = all.damage().stream().filter(d -> d.position() + d.length() > start)
                .toList();
        long cut = mode == RepairMode.SKIP || damage.isEmpty() ? all.end()
                : Math.max(start, Math.min(all.end(), damage.get(0).position()));
        RecordScanner.Result kept = cut == all.end() ? all
                : RecordScanner.verifyFile(mapping, base, FileHeader.SIZE, cut);
        if (mode == RepairMode.SKIP) {
            for (RecordScanner.Damage d : damage) {
                if (d.position() + d.length() <= all.end()) {
                    skip(mapping, base, d.position(), d.position() + d.length());
                }
            }
        }
        long size = sys.size(file, fd);
        if (size > kept.end()) {
            sys.zeroRange(file, fd, kept.end(), size - kept.end());
            sys.fdatasync(file, fd); // the zeros reach the disk before a checkpoint can point at them
        }
        appendLock.lock();
        try {
            appender.reset(kept.end(), kept.records(), kept.bytes());
        } finally {
            appendLock.unlock();
        }
        checkpointer.resyncFrom(FileHeader.SIZE);
        checkpointer.checkpoint(false);
        RecordScanner.Result reported = new RecordScanner.Result(all.end(), all.records(), all.bytes(), damage,
                all.next(), true);
        return new RepairReport(mode, publicDamage(reported, base), kept.records(), all.records() - kept.records(),
                base + endBefore, base + kept.end());
    }

    /** Marks {@code [from, to)} skipped, one record per segment it touches. */
    public static void skip(GrowableMapping mapping, long base, long from, long to) {
        long segmentSize = mapping.segmentSize();
        for (long at = from; at < to; ) {
            long pieceEnd = Math.min(to, (at / segmentSize + 1) * segmentSize);
            ByteBuffer view = mapping.segment(at / segmentSize);
            int offset = (int) (at % segmentSize);
            int word = RecordFormat.skippedWord((int) (pieceEnd - at - RecordFormat.HEADER_SIZE));
            view.putInt(offset + RecordFormat.CRC_OFFSET, RecordFormat.checksum(base + at, word));
            INTS.setRelease(view, offset, word);
            at = pieceEnd;
        }
    }

    /** The damage a scan of a file whose byte 0 is global position {@code base} found, at global positions. */
    public static List<Damage> publicDamage(RecordScanner.Result result, long base) {
        return result.damage().stream().map(d -> new Damage(base + d.position(), d.length(), d.reason())).toList();
    }
}
