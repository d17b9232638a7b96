package dev.growlog.cli;

/**
 * A failure the command reports as one line on stderr with a chosen exit code: the cause is
 * understood, so no stack trace helps the user.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** One of {@link ExitCodes}. */
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
