package dev.growlog.internal.nativeio;

import com.kenai.jffi.MemoryIO;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.nativeio.libc.LibC;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** {@link Syscalls} over libc. Each method checks its call's result where the call is made. */
final class LibcSyscalls implements Syscalls {
    static final LibcSyscalls INSTANCE = new LibcSyscalls();

    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int O_CLOEXEC = 02000000;
    private static final int SEEK_END = 2;
    private static final int PROT_NONE = 0;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 0x01;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MAP_FIXED_NOREPLACE = 0x100000;
    private static final int MREMAP_MAYMOVE = 1;
    private static final int MREMAP_FIXED = 2;
    private static final int MS_SYNC = 4;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final int MADV_RANDOM = 1;
    private static final int SCHED_BATCH = 3;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int LOCK_UN = 8;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int FALLOC_FL_ZERO_RANGE = 0x10;
    private static final long MAP_FAILED = -1L;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_NLINK = 0x4;
    private static final int STATX_INO = 0x100;
    private static final int STATX_BLOCKS = 0x400;
    /** Size of {@code struct statx} and the offsets of the fields read from it. */
    private static final int STATX_SIZE = 256;
    private static final int STATX_NLINK_OFFSET = 16;
    private static final int STATX_INO_OFFSET = 32;
    private static final int STATX_BLOCKS_OFFSET = 48;
    private static final int STATX_DEV_MAJOR_OFFSET = 136;
    private static final int STATX_DEV_MINOR_OFFSET = 140;
    private static final VarHandle STATX_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.nativeOrder());
    private static final VarHandle STATX_INTS = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.nativeOrder());

    private static final String MAP_ADVICE = "check free memory and vm.max_map_count";
    private static final String SPACE_ADVICE = "check free disk space";

    private final LibC libc;
    private final Runtime runtime;
    private final MemoryIO memory = MemoryIO.getInstance();
    private final int pageSize;

    private LibcSyscalls() {
        this.libc = LibraryLoader.create(LibC.class).load("c");
        this.runtime = Runtime.getRuntime(libc);
        this.pageSize = libc.getpagesize();
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public int open(Path file, boolean writable, boolean create) throws NativeCallException {
        int flags = (writable ? O_RDWR : O_RDONLY) | (create ? O_CREAT : 0) | O_CLOEXEC;
        int fd = libc.open(file.toString(), flags, 0644);
        if (fd < 0) {
            throw failure(file, "open", "path=" + file + ", flags=0" + Integer.toOctalString(flags), null);
        }
        return fd;
    }

    @Override
    public void close(Path file, int fd) throws NativeCallException {
        if (libc.close(fd) != 0) {
            throw failure(file, "close", "fd=" + fd, null);
        }
    }

    @Override
    public long size(Path file, int fd) throws NativeCallException {
        long size = libc.lseek(fd, 0, SEEK_END);
        if (size < 0) {
            throw failure(file, "lseek", "fd=" + fd + ", offset=0, whence=SEEK_END", null);
        }
        return size;
    }

    @Override
    public void truncate(Path file, int fd, long length) throws NativeCallException {
        if (libc.ftruncate(fd, length) != 0) {
            throw failure(file, "ftruncate", "fd=" + fd + ", length=" + length, SPACE_ADVICE);
        }
    }

    @Override
    public void allocate(Path file, int fd, long offset, long length) throws NativeCallException {
        if (libc.fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length) == 0) {
            return;
        }
        int errno = lastError();
        String args = "fd=" + fd + ", mode=FALLOC_FL_KEEP_SIZE, offset=" + offset + ", length=" + length;
        if (errno != Errno.EOPNOTSUPP && errno != Errno.ENOSYS) {
            throw failure(file, "fallocate", errno, args, SPACE_ADVICE);
        }
        int error = libc.posix_fallocate(fd, offset, length);
        if (error != 0) {
            throw failure(file, "posix_fallocate", error, "fd=" + fd + ", offset=" + offset + ", length=" + length,
                    SPACE_ADVICE);
        }
    }

    @Override
    public void zeroRange(Path file, int fd, long offset, long length) throws NativeCallException {
        if (length <= 0 || libc.fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, offset, length) == 0) {
            return;
        }
        int errno = lastError();
        if (errno != Errno.EOPNOTSUPP && errno != Errno.ENOSYS) {
            throw failure(file, "fallocate", errno,
                    "fd=" + fd + ", mode=FALLOC_FL_ZERO_RANGE|FALLOC_FL_KEEP_SIZE, offset=" + offset + ", length=" + length, SPACE_ADVICE);
        }
        // File systems without ZERO_RANGE (tmpfs): free the blocks, then reserve them again.
        if (libc.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) == 0) {
            allocate(file, fd, offset, length);
            return;
        }
        errno = lastError();
        if (errno != Errno.EOPNOTSUPP && errno != Errno.ENOSYS) {
            throw failure(file, "fallocate", errno,
                    "fd=" + fd + ", mode=FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, offset=" + offset
                            + ", length=" + length, null);
        }
        writeZeros(file, fd, offset, length);
    }

    private void writeZeros(Path file, int fd, long offset, long length) throws NativeCallException {
        int chunk = (int) Math.min(length, 1 << 20);
        Pointer zeros = runtime.getMemoryManager().allocateDirect(chunk, true);
        for (long done = 0; done < length; ) {
            long count = Math.min(chunk, length - done);
            long written = libc.pwrite(fd, zeros, count, offset + done);
            if (written < 0) {
                throw failure(file, "pwrite", "fd=" + fd + ", count=" + count + ", offset=" + (offset + done),
                        SPACE_ADVICE);
            }
            done += written;
        }
    }

    @Override
    public long reserve(long length) throws NativeCallException {
        long address = libc.mmap(null, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (address == MAP_FAILED) {
            throw failure(null, "mmap", "addr=NULL, length=" + length
                    + ", prot=PROT_NONE, flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE", MAP_ADVICE);
        }
        return address;
    }

    @Override
    public boolean reserveAt(long address, long length) throws NativeCallException {
        int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE;
        long result = libc.mmap(pointer(address), length, PROT_NONE, flags, -1, 0);
        if (result == address) {
            return true;
        }
        if (result != MAP_FAILED) {
            // Kernels before 4.17 treat the flag as a hint and may place the mapping elsewhere.
            unmap(null, result, length);
            return false;
        }
        int errno = lastError();
        if (errno == Errno.EEXIST || errno == Errno.ENOMEM) {
            return false;
        }
        throw failure(null, "mmap", errno, "addr=0x" + Long.toHexString(address) + ", length=" + length
                + ", prot=PROT_NONE, flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_FIXED_NOREPLACE", MAP_ADVICE);
    }

    @Override
    public void mapFileAt(Path file, int fd, long address, long length, boolean writable) throws NativeCallException {
        int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
        long result = libc.mmap(pointer(address), length, prot, MAP_SHARED | MAP_FIXED, fd, 0);
        if (result != address) {
            throw failure(file, "mmap", "addr=0x" + Long.toHexString(address) + ", length=" + length + ", prot="
                    + (writable ? "PROT_READ|PROT_WRITE" : "PROT_READ") + ", flags=MAP_SHARED|MAP_FIXED, fd=" + fd
                    + ", offset=0", MAP_ADVICE);
        }
    }

    @Override
    public boolean remapInPlace(Path file, long address, long oldLength, long newLength) throws NativeCallException {
        long result = libc.mremap(address, oldLength, newLength, 0, 0);
        if (result == address) {
            return true;
        }
        int errno = lastError();
        if (result == MAP_FAILED && errno == Errno.ENOMEM) {
            return false;
        }
        throw failure(file, "mremap", errno, remapArgs(address, oldLength, newLength, "0"), MAP_ADVICE);
    }

    @Override
    public void remapTo(Path file, long address, long oldLength, long newLength, long target)
            throws NativeCallException {
        long result = libc.mremap(address, oldLength, newLength, MREMAP_MAYMOVE | MREMAP_FIXED, target);
        if (result != target) {
            throw failure(file, "mremap", remapArgs(address, oldLength, newLength, "MREMAP_MAYMOVE|MREMAP_FIXED")
                    + ", new_address=0x" + Long.toHexString(target), MAP_ADVICE);
        }
    }

    private static String remapArgs(long address, long oldLength, long newLength, String flags) {
        return "old_address=0x" + Long.toHexString(address) + ", old_size=" + oldLength + ", new_size=" + newLength
                + ", flags=" + flags;
    }

    @Override
    public void unmap(Path file, long address, long length) throws NativeCallException {
        if (length > 0 && libc.munmap(address, length) != 0) {
            throw failure(file, "munmap", "addr=0x" + Long.toHexString(address) + ", length=" + length, null);
        }
    }

    @Override
    public void msync(Path file, long address, long length) throws NativeCallException {
        if (libc.msync(address, length, MS_SYNC) != 0) {
            throw failure(file, "msync", "addr=0x" + Long.toHexString(address) + ", length=" + length
                    + ", flags=MS_SYNC", null);
        }
    }

    @Override
    public void fdatasync(Path file, int fd) throws NativeCallException {
        if (libc.fdatasync(fd) != 0) {
            throw failure(file, "fdatasync", "fd=" + fd, null);
        }
    }

    @Override
    public void syncDirectory(Path dir) throws NativeCallException {
        int fd = open(dir, false, false);
        // errno is read before close can change it; a failed close does not hide a failed fsync.
        NativeCallException failed = libc.fsync(fd) == 0 ? null : failure(dir, "fsync", "fd=" + fd, null);
        try {
            close(dir, fd);
        } catch (NativeCallException e) {
            if (failed == null) {
                throw e;
            }
            failed.addSuppressed(e);
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public void populateWrite(Path file, long address, long length) throws NativeCallException {
        if (libc.madvise(address, length, MADV_POPULATE_WRITE) != 0) {
            throw failure(file, "madvise", "addr=0x" + Long.toHexString(address) + ", length=" + length
                    + ", advice=MADV_POPULATE_WRITE", SPACE_ADVICE);
        }
    }

    @Override
    public void adviseRandom(Path file, long address, long length) throws NativeCallException {
        if (libc.madvise(address, length, MADV_RANDOM) != 0) {
            throw failure(file, "madvise", "addr=0x" + Long.toHexString(address) + ", length=" + length
                    + ", advice=MADV_RANDOM", null);
        }
    }

    @Override
    public void batchScheduling(Path file) throws NativeCallException {
        if (libc.sched_setscheduler(0, SCHED_BATCH, new int[] {0}) != 0) {
            throw failure(file, "sched_setscheduler", "pid=0 (this thread), policy=SCHED_BATCH, priority=0", null);
        }
    }

    @Override
    public boolean tryLockExclusive(Path file, int fd) throws NativeCallException {
        if (libc.flock(fd, LOCK_EX | LOCK_NB) == 0) {
            return true;
        }
        int errno = lastError();
        if (errno == Errno.EAGAIN) {
            return false;
        }
        throw failure(file, "flock", errno, "fd=" + fd + ", operation=LOCK_EX|LOCK_NB", null);
    }

    @Override
    public void unlock(Path file, int fd) throws NativeCallException {
        if (libc.flock(fd, LOCK_UN) != 0) {
            throw failure(file, "flock", "fd=" + fd + ", operation=LOCK_UN", null);
        }
    }

    @Override
    public int pread(Path file, int fd, ByteBuffer buffer, long offset) throws NativeCallException {
        long address = directAddress(buffer);
        int done = 0;
        try {
            while (buffer.hasRemaining()) {
                long count = buffer.remaining();
                long read = libc.pread(fd, pointer(address + buffer.position()), count, offset + done);
                if (read < 0) {
                    throw failure(file, "pread", "fd=" + fd + ", count=" + count + ", offset=" + (offset + done), null);
                }
                if (read == 0) {
                    break; // end of file
                }
                buffer.position(buffer.position() + (int) read);
                done += (int) read;
            }
        } finally {
            Reference.reachabilityFence(buffer); // the kernel writes into its memory
        }
        return done;
    }

    @Override
    public void pwrite(Path file, int fd, ByteBuffer buffer, long offset) throws NativeCallException {
        long address = directAddress(buffer);
        long at = offset;
        try {
            while (buffer.hasRemaining()) {
                long count = buffer.remaining();
                long written = libc.pwrite(fd, pointer(address + buffer.position()), count, at);
                if (written < 0) {
                    throw failure(file, "pwrite", "fd=" + fd + ", count=" + count + ", offset=" + at, SPACE_ADVICE);
                }
                buffer.position(buffer.position() + (int) written);
                at += written;
            }
        } finally {
            Reference.reachabilityFence(buffer); // the kernel reads from its memory
        }
    }

    private long directAddress(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("pread and pwrite need a direct buffer");
        }
        return memory.getDirectBufferAddress(buffer);
    }

    @Override
    public FileId fileId(Path file, int fd) throws NativeCallException {
        byte[] buffer = new byte[STATX_SIZE];
        if (libc.statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_NLINK, buffer) != 0) {
            throw failure(file, "statx", "dirfd=" + fd + ", path=\"\", flags=AT_EMPTY_PATH, mask=STATX_INO|STATX_NLINK",
                    null);
        }
        return fileId(buffer);
    }

    @Override
    public FileId fileId(Path file) throws NativeCallException {
        byte[] buffer = new byte[STATX_SIZE];
        if (libc.statx(AT_FDCWD, file.toString(), AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_NLINK, buffer) != 0) {
            int errno = lastError();
            if (errno == Errno.ENOENT) {
                return null;
            }
            throw failure(file, "statx", errno, "dirfd=AT_FDCWD, path=" + file
                    + ", flags=AT_SYMLINK_NOFOLLOW, mask=STATX_INO|STATX_NLINK", null);
        }
        return fileId(buffer);
    }

    @Override
    public long allocatedBytes(Path file) throws NativeCallException {
        byte[] buffer = new byte[STATX_SIZE];
        if (libc.statx(AT_FDCWD, file.toString(), AT_SYMLINK_NOFOLLOW, STATX_BLOCKS, buffer) != 0) {
            int errno = lastError();
            if (errno == Errno.ENOENT) {
                return 0;
            }
            throw failure(file, "statx", errno, "dirfd=AT_FDCWD, path=" + file
                    + ", flags=AT_SYMLINK_NOFOLLOW, mask=STATX_BLOCKS", null);
        }
        return 512 * (long) STATX_LONGS.get(buffer, STATX_BLOCKS_OFFSET);
    }

    private static FileId fileId(byte[] statx) {
        long major = Integer.toUnsignedLong((int) STATX_INTS.get(statx, STATX_DEV_MAJOR_OFFSET));
        long minor = Integer.toUnsignedLong((int) STATX_INTS.get(statx, STATX_DEV_MINOR_OFFSET));
        return new FileId(major << 32 | minor, (long) STATX_LONGS.get(statx, STATX_INO_OFFSET),
                (int) STATX_INTS.get(statx, STATX_NLINK_OFFSET));
    }

    @Override
    public ByteBuffer view(long address, int length) {
        return memory.newDirectByteBuffer(address, length);
    }

    private Pointer pointer(long address) {
        return Pointer.wrap(runtime, address);
    }

    private int lastError() {
        return runtime.getLastError();
    }

    private NativeCallException failure(Path file, String call, String args, String advice) {
        return failure(file, call, lastError(), args, advice);
    }

    private NativeCallException failure(Path file, String call, int errno, String args, String advice) {
        String advise = Errno.isNoSpace(errno) ? SPACE_ADVICE : advice;
        return new NativeCallException(file, call, errno, Errno.name(errno), libc.strerror(errno), args, advise);
    }
}
