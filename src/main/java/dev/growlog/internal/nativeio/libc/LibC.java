package dev.growlog.internal.nativeio.libc;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc functions growlog calls, bound through jnr-ffi. Used only by
 * {@code dev.growlog.internal.nativeio.LibcSyscalls}, which checks every result where the call
 * is made. Public, and alone in a package the module opens (never exports), only because
 * jnr-ffi generates its implementation in another class loader, whose unnamed module must be
 * able to implement it.
 *
 * <p>Addresses are {@code long} except the first parameter of {@code mmap}: declared as six
 * primitives, jnr-ffi's x86-64 stub corrupted the sixth argument (the offset).
 */
@SaveError
public interface LibC {
    @Variadic(fixedCount = 2)
    int open(String path, int flags, int mode);

    int close(int fd);

    @off_t long lseek(int fd, @off_t long offset, int whence);

    int ftruncate(int fd, @off_t long length);

    int fallocate(int fd, int mode, @off_t long offset, @off_t long length);

    /** Returns the error number instead of setting errno. */
    int posix_fallocate(int fd, @off_t long offset, @off_t long length);

    long mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

    @Variadic(fixedCount = 4)
    long mremap(long oldAddress, @size_t long oldSize, @size_t long newSize, int flags, long newAddress);

    int munmap(long address, @size_t long length);

    int msync(long address, @size_t long length, int flags);

    int madvise(long address, @size_t long length, int advice);

    int flock(int fd, int operation);

    int fdatasync(int fd);

    int fsync(int fd);

    @ssize_t long pwrite(int fd, Pointer buffer, @size_t long count, @off_t long offset);

    @ssize_t long pread(int fd, Pointer buffer, @size_t long count, @off_t long offset);

    /**
     * {@code struct statx} has one layout on every architecture (unlike {@code struct stat}):
     * 256 bytes, filled into {@code buffer}.
     */
    int statx(int dirfd, String path, int flags, int mask, @Out byte[] buffer);

    int getpagesize();

    /** {@code param} points to a {@code struct sched_param}: one int, the static priority. */
    int sched_setscheduler(int pid, int policy, int[] param);

    String strerror(int errnum);
}
