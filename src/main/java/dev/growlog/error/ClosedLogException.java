package dev.growlog.error;

/** The log, or the reader, was used after it was closed. */
public class ClosedLogException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what was closed, naming the file
     */
    public ClosedLogException(String message) {
        super(message);
    }
}
