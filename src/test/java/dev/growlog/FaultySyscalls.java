package dev.growlog;

import dev.growlog.error.NativeCallException;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * A {@link ForwardingSyscalls} for fault injection: delegates to libc and fails the Nth call of a
 * chosen kind with a {@link NativeCallException} carrying a chosen errno, as the real binding
 * would report it. Faults are armed after the log is open, so calls made by open are not counted.
 */
public final class FaultySyscalls extends ForwardingSyscalls {
    /** The calls a fault can be injected into. */
    public enum Call { ALLOCATE, TRUNCATE, REMAP_IN_PLACE, REMAP_TO, MSYNC, FDATASYNC }

    /** errno values on Linux, for the messages the real binding would produce. */
    private static final Map<String, Integer> ERRNO = Map.of("EIO", 5, "ENOMEM", 12, "EFAULT", 14, "EINVAL", 22,
            "ENOSPC", 28, "EDQUOT", 122);

    /** Calls of each kind still to pass before the armed one fails; absent when not armed. */
    private final Map<Call, Integer> countdown = new EnumMap<>(Call.class);
    private final Map<Call, String> errnoNames = new EnumMap<>(Call.class);
    private final Map<Call, Integer> calls = new EnumMap<>(Call.class);
    /** Calls of a kind failed only on files whose name contains a fragment: the fragment, errno, times left. */
    private final Map<Call, String> fileFragments = new EnumMap<>(Call.class);
    private final Map<Call, String> fileErrnoNames = new EnumMap<>(Call.class);
    private final Map<Call, Integer> fileFaultsLeft = new EnumMap<>(Call.class);
    /** When set, growth in place is refused (as when something else took the addresses): every growth moves. */
    private volatile boolean refuseInPlace;

    /** Fails the {@code nth} call of {@code call} made from now on (1 = the next one) with {@code errnoName}. */
    public synchronized FaultySyscalls failNth(Call call, int nth, String errnoName) {
        if (!ERRNO.containsKey(errnoName)) {
            throw new IllegalArgumentException("unknown errno name " + errnoName);
        }
        countdown.put(call, nth);
        errnoNames.put(call, errnoName);
        return this;
    }

    /**
     * Fails the next {@code times} calls of {@code call} on a file whose name contains
     * {@code fragment} (as ".creating" for the next file of a chain) with {@code errnoName}.
     */
    synchronized FaultySyscalls failOnFile(Call call, String fragment, int times, String errnoName) {
        if (!ERRNO.containsKey(errnoName)) {
            throw new IllegalArgumentException("unknown errno name " + errnoName);
        }
        fileFragments.put(call, fragment);
        fileErrnoNames.put(call, errnoName);
        fileFaultsLeft.put(call, times);
        return this;
    }

    synchronized void clearFaults() {
        countdown.clear();
        errnoNames.clear();
        fileFragments.clear();
        fileErrnoNames.clear();
        fileFaultsLeft.clear();
    }

    FaultySyscalls refuseInPlaceGrowth(boolean refuse) {
        this.refuseInPlace = refuse;
        return this;
    }

    /** How many calls of this kind were made, failed ones included. */
    synchronized int calls(Call call) {
        return calls.getOrDefault(call, 0);
    }

    /** Counts the call and throws if it is the armed one; a fault fires once. */
    private synchronized void maybeFail(Call call, Path file, String name, String arguments)
            throws NativeCallException {
        calls.merge(call, 1, Integer::sum);
        String fragment = fileFragments.get(call);
        if (fragment != null && file.getFileName().toString().contains(fragment) && fileFaultsLeft.get(call) > 0) {
            fileFaultsLeft.merge(call, -1, Integer::sum);
            String errnoName = fileErrnoNames.get(call);
            throw new NativeCallException(file, name, ERRNO.get(errnoName), errnoName, "injected fault", arguments,
                    null);
        }
        Integer left = countdown.get(call);
        if (left == null) {
            return;
        }
        if (left > 1) {
            countdown.put(call, left - 1);
            return;
        }
        countdown.remove(call);
        String errnoName = errnoNames.remove(call);
        throw new NativeCallException(file, name, ERRNO.get(errnoName), errnoName, "injected fault", arguments, null);
    }

    @Override
    public void truncate(Path file, int fd, long length) throws NativeCallException {
        maybeFail(Call.TRUNCATE, file, "ftruncate", "fd=" + fd + ", length=" + length);
        super.truncate(file, fd, length);
    }

    @Override
    public void allocate(Path file, int fd, long offset, long length) throws NativeCallException {
        maybeFail(Call.ALLOCATE, file, "fallocate", "fd=" + fd + ", offset=" + offset + ", length=" + length);
        super.allocate(file, fd, offset, length);
    }

    @Override
    public boolean remapInPlace(Path file, long address, long oldLength, long newLength) throws NativeCallException {
        maybeFail(Call.REMAP_IN_PLACE, file, "mremap", "old_size=" + oldLength + ", new_size=" + newLength + ", flags=0");
        return !refuseInPlace && super.remapInPlace(file, address, oldLength, newLength);
    }

    @Override
    public void remapTo(Path file, long address, long oldLength, long newLength, long target)
            throws NativeCallException {
        maybeFail(Call.REMAP_TO, file, "mremap", "old_size=" + oldLength + ", new_size=" + newLength
                + ", flags=MREMAP_MAYMOVE|MREMAP_FIXED");
        super.remapTo(file, address, oldLength, newLength, target);
    }

    @Override
    public void msync(Path file, long address, long length) throws NativeCallException {
        maybeFail(Call.MSYNC, file, "msync", "length=" + length + ", flags=MS_SYNC");
        super.msync(file, address, length);
    }

    @Override
    public void fdatasync(Path file, int fd) throws NativeCallException {
        maybeFail(Call.FDATASYNC, file, "fdatasync", "fd=" + fd);
        super.fdatasync(file, fd);
    }
}
