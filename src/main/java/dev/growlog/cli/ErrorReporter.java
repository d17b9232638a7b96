package dev.growlog.cli;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.error.CursorLockedException;
import dev.growlog.error.LogLockedException;
import dev.growlog.error.NativeCallException;
import dev.growlog.error.UnsupportedFormatException;
import dev.growlog.kafka.ForwardingFailedException;
import dev.growlog.kafka.RecordRefusedException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Turns every failure into one line on stderr, {@code growlog: <message>}, and an exit code
 * from {@link ExitCodes}. No stack traces: the library's messages already name the file, the
 * position and what was expected. A closed stdout and a stop requested by a signal end a
 * command quietly.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final Context context;

    ErrorReporter(Context context) {
        this.context = context;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
        context.out().flushQuietly();
        int code = exitCode(e);
        if (code != ExitCodes.OK && code != ExitCodes.INTERRUPTED) {
            command.getErr().println("growlog: " + oneLine(message(e)));
            command.getErr().flush();
        }
        return code;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        // some of picocli's messages (mutually exclusive options) start with their own "Error: "
        String message = oneLine(e.getMessage()).replaceFirst("^Error: ", "");
        command.getErr().println("growlog: " + message + " (see '"
                + command.getCommandSpec().qualifiedName() + " --help')");
        command.getErr().flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The exit code for a failure; see {@link ExitCodes}. */
    static int exitCode(Throwable e) {
        if (e instanceof CliException) {
            return ((CliException) e).exitCode();
        }
        if (e instanceof UncheckedIOException) {
            return exitCode(e.getCause());
        }
        if (e instanceof StdoutClosedException) {
            return ExitCodes.OK;
        }
        if (e instanceof CorruptLogException) {
            return ExitCodes.CORRUPT;
        }
        if (e instanceof LogLockedException || e instanceof CursorLockedException) {
            return ExitCodes.LOCKED;
        }
        if (e instanceof LogFullException
                || e instanceof NativeCallException && ((NativeCallException) e).isNoSpace()) {
            return ExitCodes.DISK_FULL;
        }
        if (e instanceof RecordRefusedException || e instanceof ForwardingFailedException) {
            return ExitCodes.KAFKA;
        }
        if (e instanceof UnsupportedFormatException) {
            return ExitCodes.NOT_A_LOG;
        }
        if (e instanceof NoSuchFileException || e instanceof FileNotFoundException) {
            return ExitCodes.NOT_FOUND;
        }
        if (e instanceof IOException) {
            return ExitCodes.IO_ERROR;
        }
        return ExitCodes.INTERNAL;
    }

    /** Joins a multi-line message (a regex error shows the pattern and a caret) into one line. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** One line for people. */
    static String message(Throwable e) {
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            return message(e.getCause());
        }
        if (e instanceof NoSuchFileException) {
            NoSuchFileException missing = (NoSuchFileException) e;
            return "no such file: " + missing.getFile()
                    + (missing.getReason() == null ? "" : " (" + missing.getReason() + ")");
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + ((AccessDeniedException) e).getFile();
        }
        if (e instanceof FileSystemException) {
            FileSystemException fs = (FileSystemException) e;
            return fs.getFile() + ": " + (fs.getReason() == null ? e.getClass().getSimpleName() : fs.getReason());
        }
        if (exitCode(e) == ExitCodes.INTERNAL) {
            return "internal error, please report it: " + e;
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
