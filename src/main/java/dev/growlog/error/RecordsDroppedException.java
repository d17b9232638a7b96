package dev.growlog.error;

import java.nio.file.Path;

/**
 * The records asked for were dropped: they lie before the log's start position, which
 * {@code GrowLog.truncateBefore} moved past them. They were removed on purpose; this is not
 * damage. Read from {@link #startPosition()} on instead.
 */
public class RecordsDroppedException extends GrowLogException {
    private static final long serialVersionUID = 1L;

    /** The position asked for. */
    private final long position;
    /** The log's start position when the records were found dropped. */
    private final long startPosition;

    /**
     * Makes the exception; its message names the log, the position and the start.
     *
     * @param log           the log's directory
     * @param position      the position asked for, before the start
     * @param startPosition the log's start position
     */
    public RecordsDroppedException(Path log, long position, long startPosition) {
        super(log, "records before position " + startPosition + " of log " + log + " were dropped (the log now"
                + " starts there): position " + position + " is no longer in the log");
        this.position = position;
        this.startPosition = startPosition;
    }

    /**
     * The position that was asked for.
     *
     * @return a position before {@link #startPosition()}
     */
    public long position() {
        return position;
    }

    /**
     * The log's start position when the records were found dropped: the first position that can
     * still be read.
     *
     * @return the start position
     */
    public long startPosition() {
        return startPosition;
    }
}
