package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opening logs the way every command does. */
final class LogFiles {
    private LogFiles() {
    }

    /**
     * Opens the log {@code file} (a directory) for writing, creating it and its parent
     * directories if absent; recovery runs.
     */
    static GrowLog openForWriting(Path file, GrowLogConfig config) throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return GrowLog.open(file, config);
    }

    /** Opens an existing log for writing (recovery runs); never creates one. */
    static GrowLog openExistingForWriting(Path file) throws IOException {
        requireLog(file);
        return GrowLog.open(file);
    }

    /** Opens an existing log read-only: another process may be writing it. */
    static GrowLog openReadOnly(Path file) throws IOException {
        requireLog(file);
        return GrowLog.openReadOnly(file);
    }

    /** Fails with exit code 3 unless the log {@code log} exists (a file there is refused when opened). */
    static void requireLog(Path log) throws NoSuchFileException {
        if (!Files.exists(log)) {
            throw new NoSuchFileException(log.toString());
        }
    }

    /** Fails with exit code 3 (or 2 for a directory) unless {@code file} is an existing file. */
    static void requireFile(Path file) throws NoSuchFileException {
        requireNotDirectory(file);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
    }

    private static void requireNotDirectory(Path file) {
        if (Files.isDirectory(file)) {
            throw new CliException(ExitCodes.USAGE, file + " is a directory, not a file");
        }
    }
}
