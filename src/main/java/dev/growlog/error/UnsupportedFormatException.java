package dev.growlog.error;

import java.nio.file.Path;

/** The file is not a growlog file, or was written by a newer format version. */
public class UnsupportedFormatException extends GrowLogException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param file    the file that could not be read as a log
     * @param message why, with the expected and the actual value
     */
    public UnsupportedFormatException(Path file, String message) {
        super(file, message);
    }
}
