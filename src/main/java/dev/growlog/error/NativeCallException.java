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

    /**
     * Makes the exception; its message is built from all of the arguments.
     *
     * @param file      the file the call was about, or null
     * @param call      the name of the failed call, such as {@code "mremap"}
     * @param errno     the errno value the call reported
     * @param errnoName the symbolic errno name, such as {@code "ENOSPC"}
     * @param strerror  the system's text for the errno
     * @param arguments the call's arguments, for people
     * @param advice    what usually helps, or null
     */
    public NativeCallException(Path file, String call, int errno, String errnoName, String strerror,
                               String arguments, String advice) {
        super(file, call + "(" + arguments + ") failed: " + errnoName + " (" + strerror + ")"
                + (file == null ? "" : " on " + file) + (advice == null ? "" : "; " + advice));
        this.call = call;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /**
     * The failed call.
     *
     * @return the call's name, such as {@code "mremap"}
     */
    public String call() {
        return call;
    }

    /**
     * The errno value the call reported.
     *
     * @return the errno number (Linux numbering)
     */
    public int errno() {
        return errno;
    }

    /**
     * The symbolic errno name.
     *
     * @return the name, such as {@code "ENOSPC"}
     */
    public String errnoName() {
        return errnoName;
    }

    /**
     * Whether the call failed because the disk, the quota or the file-size limit has no room.
     *
     * @return true for ENOSPC, EDQUOT and EFBIG
     */
    public boolean isNoSpace() {
        return "ENOSPC".equals(errnoName) || "EDQUOT".equals(errnoName) || "EFBIG".equals(errnoName);
    }
}
