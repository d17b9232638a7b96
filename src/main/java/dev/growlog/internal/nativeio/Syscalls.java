package dev.growlog.internal.nativeio;

import dev.growlog.error.NativeCallException;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The operating-system calls growlog makes, with Java types in and checked results out. Every
 * method either succeeds or throws a {@link NativeCallException} naming the call, the errno,
 * the arguments and the file; nothing is only logged.
 *
 * <p>The interface is the seam for fault injection: tests wrap {@link #libc()} to fail the Nth
 * {@code fallocate}, {@code mremap} or {@code msync}.
 */
public interface Syscalls {

    /** The real implementation, bound to libc through jnr-ffi. */
    static Syscalls libc() {
        return LibcSyscalls.INSTANCE;
    }

    /** Size of a virtual-memory page in bytes. */
    int pageSize();

    /** Opens the file read-write (creating it when {@code create}) or read-only; returns the fd. */
    int open(Path file, boolean writable, boolean create) throws NativeCallException;

    void close(Path file, int fd) throws NativeCallException;

    /** Current size of the file in bytes. */
    long size(Path file, int fd) throws NativeCallException;

    void truncate(Path file, int fd, long length) throws NativeCallException;

    /**
     * Reserves disk blocks for {@code [offset, offset + length)} without changing the file size
     * ({@code fallocate} with {@code FALLOC_FL_KEEP_SIZE}). Where the file system lacks
     * {@code fallocate}, falls back to {@code posix_fallocate}, which may extend the size.
     */
    void allocate(Path file, int fd, long offset, long length) throws NativeCallException;

    /**
     * Makes {@code [offset, offset + length)} read as zeros, keeping the file size and the blocks
     * reserved.
     */
    void zeroRange(Path file, int fd, long offset, long length) throws NativeCallException;

    /** Reserves address space (no access, no memory, no swap); returns its address. */
    long reserve(long length) throws NativeCallException;

    /**
     * Tries to reserve address space exactly at {@code address}; returns false when something
     * else is mapped there.
     */
    boolean reserveAt(long address, long length) throws NativeCallException;

    /** Maps {@code length} bytes of the file shared, replacing the reservation at {@code address}. */
    void mapFileAt(Path file, int fd, long address, long length, boolean writable) throws NativeCallException;

    /**
     * Grows the mapping at {@code address} without moving it; returns false when the address
     * space after it is taken.
     */
    boolean remapInPlace(Path file, long address, long oldLength, long newLength) throws NativeCallException;

    /** Moves the mapping to {@code target} (which replaces what is mapped there), growing it. */
    void remapTo(Path file, long address, long oldLength, long newLength, long target) throws NativeCallException;

    void unmap(Path file, long address, long length) throws NativeCallException;

    /** Writes the dirty pages of the range to disk and waits ({@code MS_SYNC}). */
    void msync(Path file, long address, long length) throws NativeCallException;

    /** Flushes file data to disk. */
    void fdatasync(Path file, int fd) throws NativeCallException;

    /**
     * Makes the directory's entries (names added, renamed or removed) durable: opens it
     * read-only, {@code fsync}s it and closes it. Unlike {@code FileChannel.force}, not
     * interruptible: a thread whose interrupt flag is set syncs as any other.
     */
    void syncDirectory(Path dir) throws NativeCallException;

    /** Asks the kernel to fault in the range for writing ({@code MADV_POPULATE_WRITE}). */
    void populateWrite(Path file, long address, long length) throws NativeCallException;

    /**
     * Advises random access on the range ({@code MADV_RANDOM}): a fault then reads no pages
     * around the one it needs, so pages it brings into the page cache are created one base page
     * at a time instead of as large folios. Sets a flag on the mapping: advise a whole mapping,
     * never a part, or the kernel splits it and a later {@code mremap} of the whole fails.
     */
    void adviseRandom(Path file, long address, long length) throws NativeCallException;

    /**
     * Puts the calling thread under the {@code SCHED_BATCH} policy: the same share of CPU, but
     * waking it up never preempts the thread running on that CPU.
     */
    void batchScheduling(Path file) throws NativeCallException;

    /**
     * Takes the exclusive writer lock ({@code flock(LOCK_EX | LOCK_NB)}) on the open file
     * description; returns false when another one holds it.
     */
    boolean tryLockExclusive(Path file, int fd) throws NativeCallException;

    /**
     * Releases the writer lock ({@code flock(LOCK_UN)}). Closing the descriptor is not enough
     * while a mapping of the file lives on: the lock belongs to the open file description.
     */
    void unlock(Path file, int fd) throws NativeCallException;

    /**
     * Reads into the remaining bytes of the direct {@code buffer} from file position
     * {@code offset} ({@code pread}, repeated until the buffer is full or the file ends) and
     * advances the buffer's position by the bytes read.
     *
     * @return the bytes read: fewer than were remaining only at the end of the file
     */
    int pread(Path file, int fd, ByteBuffer buffer, long offset) throws NativeCallException;

    /**
     * Writes the remaining bytes of the direct {@code buffer} at file position {@code offset}
     * ({@code pwrite}, repeated after a short write) and advances the buffer's position to its
     * limit. Not durable until {@link #fdatasync}.
     */
    void pwrite(Path file, int fd, ByteBuffer buffer, long offset) throws NativeCallException;

    /**
     * Which file the descriptor is open on ({@code statx} with {@code AT_EMPTY_PATH}); the link
     * count tells whether it still has a name.
     */
    FileId fileId(Path file, int fd) throws NativeCallException;

    /** Which file {@code file} names now ({@code statx}, links not followed); null when none. */
    FileId fileId(Path file) throws NativeCallException;

    /**
     * Bytes of disk the file takes ({@code statx} blocks times 512): blocks reserved beyond its
     * size included, holes excluded; 0 when the file does not exist.
     */
    long allocatedBytes(Path file) throws NativeCallException;

    /** A direct buffer over {@code length} bytes at {@code address}; no copy, no ownership. */
    ByteBuffer view(long address, int length);
}
