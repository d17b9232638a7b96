package dev.growlog;

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
final class Repairer {
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Repairer() {
    }

    /** Repairs a log just opened for writing with its damage kept; see {@link GrowLog#repair(Path, RepairMode)}. */
    static RepairReport apply(RepairMode mode, Path file, Syscalls sys, int fd, GrowableMapping mapping, long base,
                              Appender appender, Checkpointer checkpointer, OrderedLock appendLock)
            throws IOException {
        long start = FileHeader.SIZE;
        long endBefore = appender.end();
        RecordScanner.Result all = RecordScanner.verifyFile(mapping, base, start, Long.MAX_VALUE);
        RecordScanner.Result kept = mode == RepairMode.TRUNCATE ? RecordScanner.scanFile(mapping, base, start) : all;
        if (mode == RepairMode.SKIP) {
            for (RecordScanner.Damage d : all.damage()) {
                if (d.position() + d.length() <= all.end()) {
                    skip(mapping, base, d.position(), d.position() + d.length());
                }
            }
        }
        sys.zeroRange(file, fd, kept.end(), sys.size(file, fd) - kept.end());
        appendLock.lock();
        try {
            appender.reset(kept.end(), kept.records(), kept.bytes());
        } finally {
            appendLock.unlock();
        }
        checkpointer.resyncFrom(start);
        checkpointer.checkpoint(false);
        return new RepairReport(mode, publicDamage(all, base), kept.records(), all.records() - kept.records(),
                base + endBefore, base + kept.end());
    }

    /** Marks {@code [from, to)} skipped, one record per segment it touches. */
    static void skip(GrowableMapping mapping, long base, long from, long to) {
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
    static List<Damage> publicDamage(RecordScanner.Result result, long base) {
        return result.damage().stream().map(d -> new Damage(base + d.position(), d.length(), d.reason())).toList();
    }
}
