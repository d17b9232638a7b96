package dev.growlog.kafka;

import java.io.IOException;

/**
 * Kafka refused a record for good (it is too large for the producer's {@code max.request.size}
 * or the topic's {@code max.message.bytes}) and the policy is {@link TooLargePolicy#STOP}. The
 * cursor was committed up to the record before it, so nothing before it is sent again.
 */
public final class RecordRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The refused record's position in the log. */
    private final long position;

    /**
     * Makes the exception.
     *
     * @param position the refused record's position in the log
     * @param message  what was refused and why
     * @param cause    Kafka's exception
     */
    RecordRefusedException(long position, String message, Throwable cause) {
        super(message, cause);
        this.position = position;
    }

    /**
     * The refused record's position in the log; the cursor stands here.
     *
     * @return the record's position
     */
    public long position() {
        return position;
    }
}
