package dev.growlog.error;

import java.nio.file.Path;

/**
 * The log could not grow: the configured maximum size is reached or the disk has no room.
 * Nothing was appended and the log is unchanged; appends succeed again once room returns.
 */
public class LogFullException extends GrowLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param file    the log that could not grow
     * @param message what was needed and what limit stopped it
     */
    public LogFullException(Path file, String message) {
        super(file, message);
    }

    /**
     * Makes the exception with its cause.
     *
     * @param file    the log that could not grow
     * @param message what was needed and what limit stopped it
     * @param cause   the failed system call, usually a {@link NativeCallException} for ENOSPC
     */
    public LogFullException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
