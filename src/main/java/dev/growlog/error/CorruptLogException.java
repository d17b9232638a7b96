package dev.growlog.error;

import java.nio.file.Path;

/**
 * A record or header failed validation. The message names the file, the position and what was
 * expected against what was found; the damaged bytes are never returned as data.
 */
public class CorruptLogException extends GrowLogException {
    private static final long serialVersionUID = 1L;

    /** File position of the damaged record or header field, in bytes. */
    private final long position;

    /**
     * Makes the exception; its message names the file, the position and the reason.
     *
     * @param file     the damaged log file
     * @param position where the damage is, in bytes from the start of the file
     * @param reason   what is wrong, with the expected and the actual value where there are any
     */
    public CorruptLogException(Path file, long position, String reason) {
        super(file, "corrupt log " + file + " at position " + position + ": " + reason);
        this.position = position;
    }

    /**
     * File position of the damaged record or header field, in bytes.
     *
     * @return the position of the damage
     */
    public long position() {
        return position;
    }
}
