package dev.growlog.error;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Root of the exceptions that come from the disk or the operating system: a damaged log, a
 * format this version cannot read, a failed system call, a full disk, a log held by another
 * writer. Misuse of the API is reported with JDK exception types instead.
 */
public class GrowLogException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The log file concerned; may be null when no file is involved. */
    private final transient Path file;

    public GrowLogException(Path file, String message) {
        super(message);
        this.file = file;
    }

    public GrowLogException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The log file this error concerns, or null. */
    public Path file() {
        return file;
    }
}
