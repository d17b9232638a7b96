package dev.growlog.kafka;

import java.io.IOException;

/**
 * Kafka failed in a way that retrying cannot fix (authentication, authorization, an invalid
 * topic, a broker too old for the producer). The cursor was committed up to the last record
 * acknowledged before the failure.
 */
public final class ForwardingFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what failed, and where the cursor stands
     * @param cause   Kafka's exception
     */
    ForwardingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
