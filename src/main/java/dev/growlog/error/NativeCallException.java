package dev.growlog.error;

import java.nio.file.Path;

/**
 * A system call failed. The message names the call, the errno name, the system's text for it,
 * the arguments and the file, plus advice where the failure has a usual cause.
 */
public class NativeCallException extends GrowLogException {
    private static final long serialVersionUID = 1L;

    /** The failed call, e.g. {@code "mremap"}. */
    private final String call;
    /** The errno value the call reported. */
    private final int errno;
    /** The symbolic errno name, e.g. {@code "ENOSPC"}. */
    private final String errnoName;

    public NativeCallException(Path file, String call, int errno, String errnoName, String strerror,
                               String arguments, String advice) {
        super(file, call + "(" + arguments + ") failed: " + errnoName + " (" + strerror + ")"
                + (file == null ? "" : " on " + file) + (advice == null ? "" : "; " + advice));
        this.call = call;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return errnoName;
    }

    /** True when the call failed because the disk, the quota or the file-size limit has no room. */
    public boolean isNoSpace() {
        return "ENOSPC".equals(errnoName) || "EDQUOT".equals(errnoName) || "EFBIG".equals(errnoName);
    }
}
