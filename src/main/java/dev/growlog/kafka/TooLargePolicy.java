package dev.growlog.kafka;

/**
 * What the forwarder does with a record the broker (or the producer, before sending) refuses for
 * good because it is too large ({@code RecordTooLargeException}): retrying cannot help.
 */
public enum TooLargePolicy {
    /**
     * Stop forwarding: the cursor is committed up to the record before the refused one, and
     * {@link KafkaForwarder#run()} throws {@link RecordRefusedException} naming its position. A
     * later run stops there again until the cursor is moved past it or the limits are raised.
     */
    STOP,
    /**
     * Skip the record: count it ({@link ForwarderStats#skipped()}), tell the
     * {@link ForwarderListener}, and go on; the cursor is committed past it like past any other.
     */
    SKIP
}
