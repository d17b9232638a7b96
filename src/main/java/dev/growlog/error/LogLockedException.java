package dev.growlog.error;

import java.nio.file.Path;

/** Another writer, in this process or another, has the log open for writing. */
public class LogLockedException extends GrowLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception; its message names the file.
     *
     * @param file the log another writer holds
     */
    public LogLockedException(Path file) {
        super(file, "log " + file + " is locked by another writer (open it read-only to follow it)");
    }
}
