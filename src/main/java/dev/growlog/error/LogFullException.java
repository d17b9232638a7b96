package dev.growlog.error;

import java.nio.file.Path;

/**
 * The log could not grow: the configured maximum size is reached or the disk has no room.
 * Nothing was appended and the log is unchanged; appends succeed again once room returns.
 */
public class LogFullException extends GrowLogException {
    private static final long serialVersionUID = 1L;

    public LogFullException(Path file, String message) {
        super(file, message);
    }

    public LogFullException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
