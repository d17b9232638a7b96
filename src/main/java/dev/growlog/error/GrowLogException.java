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

    /**
     * Makes the exception.
     *
     * @param file    the log file concerned, or null
     * @param message what failed, naming the file
     */
    public GrowLogException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /**
     * Makes the exception with its cause.
     *
     * @param file    the log file concerned, or null
     * @param message what failed, naming the file
     * @param cause   the failure behind it
     */
    public GrowLogException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /**
     * The log file this error concerns. Not serialized: null after deserialization.
     *
     * @return the file, or null when no file is involved
     */
    public Path file() {
        return file;
    }
}
