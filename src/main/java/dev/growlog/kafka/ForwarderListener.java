package dev.growlog.kafka;

import java.time.Duration;

/**
 * Hears what a {@link KafkaForwarder} does besides sending: restarts after failures and skipped
 * records. Called on the thread that runs the forwarder; keep it short. Every method does nothing
 * by default.
 */
public interface ForwarderListener {
    /** A listener that ignores everything. */
    ForwarderListener NONE = new ForwarderListener() {
    };

    /**
     * A send failed after the producer's own retries (for example the broker stayed unreachable
     * for {@code delivery.timeout.ms}): the producer is closed and, after {@code backoff}, a new
     * one sends again from {@code resumeAt}, the committed cursor position.
     *
     * @param cause    why the send failed
     * @param resumeAt where sending starts again
     * @param backoff  how long the forwarder waits first
     */
    default void restarting(Exception cause, long resumeAt, Duration backoff) {
    }

    /**
     * A record was refused for good as too large and skipped ({@link TooLargePolicy#SKIP}).
     *
     * @param position the record's position in the log
     * @param length   its payload length in bytes
     * @param cause    Kafka's exception
     */
    default void skipped(long position, int length, Exception cause) {
    }
}
