package dev.growlog.bench;

import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The raw limit: growlog's framing copied into a file mapping that grows as growlog's does
 * (fallocate, ftruncate, then mremap in place into reserved headroom, through the same
 * {@link Syscalls}), with none of its safety: no lock, no lease, no view cache, no size or
 * state checks, no counters. Whatever growlog costs above this is the price of its guarantees.
 *
 * <p>Its reservation starts on a 2 MiB boundary, so the kernel can map a large page-cache folio
 * per write fault. growlog's reservation (its initial size plus headroom, placed by the kernel)
 * starts 1 MiB off that boundary with the default sizes, which costs about one fault per 4 KiB
 * page; {@link #growingUnaligned()} reproduces that placement to show the difference.
 */
final class RawMappingSink implements AppendSink {
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HEADROOM = 64L << 30;
    /** Span of one page-middle-directory entry: the largest page-cache folio a fault can map. */
    private static final long PMD_SIZE = 2L << 20;
    private static final long MAX_GROWTH_STEP = 256L << 20;
    private static final int HEADER = 4096;
    private static final int SHIFT = Integer.numberOfTrailingZeros(SEGMENT_SIZE);
    private static final long MASK = SEGMENT_SIZE - 1L;

    private final Syscalls sys = Syscalls.libc();
    private final Path dir;
    private final Path file;
    private final int fd;
    private final long base;
    /** Address space taken from {@code base}: mapping plus headroom, in bytes. */
    private final long reserved;
    /** Bytes mapped and bytes in the file; equal between appends. */
    private long mapped;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer view;
    private long viewSegment = -1;
    /** Position of the next record. */
    private long end = HEADER;

    /** Whether growth reserves blocks with {@code fallocate} first, as growlog does. */
    private final boolean reserveBlocks;

    private RawMappingSink(long initialSize, boolean prefault, boolean reserveBlocks, boolean aligned)
            throws IOException {
        this.reserveBlocks = reserveBlocks;
        dir = BenchFiles.newDirectory("raw-append");
        file = dir.resolve("raw.log");
        fd = sys.open(file, true, true);
        if (reserveBlocks) {
            sys.allocate(file, fd, 0, initialSize);
        }
        sys.truncate(file, fd, initialSize);
        reserved = initialSize + HEADROOM;
        base = aligned ? reserveAligned(sys, reserved) : sys.reserve(reserved);
        sys.mapFileAt(file, fd, base, initialSize, true);
        mapped = initialSize;
        if (prefault) {
            sys.populateWrite(file, base, initialSize);
        }
    }

    /** Reserves {@code length} bytes of address space starting on a 2 MiB boundary. */
    static long reserveAligned(Syscalls sys, long length) throws IOException {
        long slack = PMD_SIZE;
        long start = sys.reserve(length + slack);
        long aligned = (start + slack - 1) & -slack;
        sys.unmap(null, start, aligned - start);
        sys.unmap(null, aligned + length, start + slack - aligned);
        return aligned;
    }

    /** Starts at 1 MiB and grows like growlog: doubling, by at most 256 MiB a step. */
    static RawMappingSink growing() throws IOException {
        return new RawMappingSink(1 << 20, false, true, true);
    }

    /** As {@link #growing()}, with the reservation placed as growlog's is (see the class note). */
    static RawMappingSink growingUnaligned() throws IOException {
        return new RawMappingSink(1 << 20, false, true, false);
    }

    /**
     * As {@link #growing()} but extending the file with {@code ftruncate} alone (sparse, blocks
     * allocated at writeback), as {@code FileChannel.map} and Chronicle Queue do. Not a safe
     * design (a full disk becomes SIGBUS): it shows what reserving blocks up front costs.
     */
    static RawMappingSink growingSparse() throws IOException {
        return new RawMappingSink(1 << 20, false, false, true);
    }

    /** Created {@code size} bytes long and populated for writing with {@code MADV_POPULATE_WRITE}. */
    static RawMappingSink prefaulted(long size) throws IOException {
        return new RawMappingSink(size, true, true, true);
    }

    @Override
    public void append(byte[] payload) throws IOException {
        int length = payload.length;
        long position = end;
        long size = RecordFormat.recordSize(length);
        long segmentEnd = (position | MASK) + 1;
        long padding = position + size > segmentEnd ? segmentEnd - position : 0;
        if (position + padding + size > mapped) {
            grow(position + padding + size);
        }
        if (padding > 0) {
            int word = RecordFormat.paddingWord((int) padding - RecordFormat.HEADER_SIZE);
            publish(offset(position), RecordFormat.checksum(position, word), word);
            position = segmentEnd;
        }
        int word = RecordFormat.dataWord(length);
        int checksum = RecordFormat.checksum(crc, position, word, payload, 0, length);
        int at = offset(position);
        view.put(at + RecordFormat.HEADER_SIZE, payload, 0, length);
        publish(at, checksum, word);
        end = position + size;
    }

    private void publish(int at, int checksum, int word) {
        view.putInt(at + RecordFormat.CRC_OFFSET, checksum);
        INTS.setRelease(view, at, word);
    }

    private int offset(long position) {
        long segment = position >>> SHIFT;
        long start = segment << SHIFT;
        if (segment != viewSegment || view.capacity() < Math.min(SEGMENT_SIZE, mapped - start)) {
            view = sys.view(base + start, (int) Math.min(SEGMENT_SIZE, mapped - start)).order(ByteOrder.LITTLE_ENDIAN);
            viewSegment = segment;
        }
        return (int) (position & MASK);
    }

    private void grow(long needed) throws IOException {
        long step = Math.min(mapped, MAX_GROWTH_STEP);
        long newSize = Math.max((needed + 4095) & -4096L, mapped + step);
        if (newSize > reserved) {
            throw new IOException("raw mapping ran out of headroom at " + newSize + " bytes");
        }
        if (reserveBlocks) {
            sys.allocate(file, fd, mapped, newSize - mapped);
        }
        sys.truncate(file, fd, newSize);
        sys.unmap(file, base + mapped, newSize - mapped);
        if (!sys.remapInPlace(file, base, mapped, newSize)) {
            throw new IOException("raw mapping could not grow in place to " + newSize + " bytes");
        }
        mapped = newSize;
    }

    @Override
    public void close() throws IOException {
        view = null;
        sys.unmap(file, base, reserved);
        sys.truncate(file, fd, 0);
        sys.close(file, fd);
        BenchFiles.deleteRecursively(dir);
    }
}
