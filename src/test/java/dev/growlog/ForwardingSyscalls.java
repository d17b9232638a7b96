package dev.growlog;

import dev.growlog.error.NativeCallException;
import dev.growlog.internal.nativeio.FileId;
import dev.growlog.internal.nativeio.Syscalls;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The fault-injection seam: passes every call to the real {@link Syscalls#libc()}; a test
 * overrides the calls it wants to fail or to interleave with something else, and opens a log
 * with it through {@link GrowLog#open(Path, GrowLogConfig, Syscalls)}.
 */
class ForwardingSyscalls implements Syscalls {
    private final Syscalls real = Syscalls.libc();

    /** A failure shaped like the real one: call, errno name and text, arguments, file. */
    static NativeCallException failure(Path file, String call, int errno, String errnoName, String text) {
        return new NativeCallException(file, call, errno, errnoName, text, "injected by a test", null);
    }

    @Override
    public int pageSize() {
        return real.pageSize();
    }

    @Override
    public int open(Path file, boolean writable, boolean create) throws NativeCallException {
        return real.open(file, writable, create);
    }

    @Override
    public void close(Path file, int fd) throws NativeCallException {
        real.close(file, fd);
    }

    @Override
    public long size(Path file, int fd) throws NativeCallException {
        return real.size(file, fd);
    }

    @Override
    public void truncate(Path file, int fd, long length) throws NativeCallException {
        real.truncate(file, fd, length);
    }

    @Override
    public void allocate(Path file, int fd, long offset, long length) throws NativeCallException {
        real.allocate(file, fd, offset, length);
    }

    @Override
    public void zeroRange(Path file, int fd, long offset, long length) throws NativeCallException {
        real.zeroRange(file, fd, offset, length);
    }

    @Override
    public long reserve(long length) throws NativeCallException {
        return real.reserve(length);
    }

    @Override
    public boolean reserveAt(long address, long length) throws NativeCallException {
        return real.reserveAt(address, length);
    }

    @Override
    public void mapFileAt(Path file, int fd, long address, long length, boolean writable) throws NativeCallException {
        real.mapFileAt(file, fd, address, length, writable);
    }

    @Override
    public boolean remapInPlace(Path file, long address, long oldLength, long newLength) throws NativeCallException {
        return real.remapInPlace(file, address, oldLength, newLength);
    }

    @Override
    public void remapTo(Path file, long address, long oldLength, long newLength, long target)
            throws NativeCallException {
        real.remapTo(file, address, oldLength, newLength, target);
    }

    @Override
    public void unmap(Path file, long address, long length) throws NativeCallException {
        real.unmap(file, address, length);
    }

    @Override
    public void msync(Path file, long address, long length) throws NativeCallException {
        real.msync(file, address, length);
    }

    @Override
    public void fdatasync(Path file, int fd) throws NativeCallException {
        real.fdatasync(file, fd);
    }

    @Override
    public void syncDirectory(Path dir) throws NativeCallException {
        real.syncDirectory(dir);
    }

    @Override
    public void populateWrite(Path file, long address, long length) throws NativeCallException {
        real.populateWrite(file, address, length);
    }

    @Override
    public void adviseRandom(Path file, long address, long length) throws NativeCallException {
        real.adviseRandom(file, address, length);
    }

    @Override
    public void batchScheduling(Path file) throws NativeCallException {
        real.batchScheduling(file);
    }

    @Override
    public boolean tryLockExclusive(Path file, int fd) throws NativeCallException {
        return real.tryLockExclusive(file, fd);
    }

    @Override
    public void unlock(Path file, int fd) throws NativeCallException {
        real.unlock(file, fd);
    }

    @Override
    public int pread(Path file, int fd, ByteBuffer buffer, long offset) throws NativeCallException {
        return real.pread(file, fd, buffer, offset);
    }

    @Override
    public void pwrite(Path file, int fd, ByteBuffer buffer, long offset) throws NativeCallException {
        real.pwrite(file, fd, buffer, offset);
    }

    @Override
    public FileId fileId(Path file, int fd) throws NativeCallException {
        return real.fileId(file, fd);
    }

    @Override
    public FileId fileId(Path file) throws NativeCallException {
        return real.fileId(file);
    }

    @Override
    public long allocatedBytes(Path file) throws NativeCallException {
        return real.allocatedBytes(file);
    }

    @Override
    public ByteBuffer view(long address, int length) {
        return real.view(address, length);
    }
}
