package dev.growlog.kafka;

import java.time.Duration;

/**
 * What a {@link KafkaForwarder} has done so far in this run, and how far it is behind the log.
 *
 * @param sent                records handed to the producer (a record sent again after a restart
 *                            counts again)
 * @param acknowledged        records the broker acknowledged, counted in log order
 * @param skipped             records refused as too large and skipped ({@link TooLargePolicy#SKIP})
 * @param restarts            times the producer was closed after a failed send and sending began
 *                            again from the cursor
 * @param producerRetries     retries made inside the producer (its {@code record-retry-total}),
 *                            summed over the producers of this run
 * @param committedPosition   where the cursor stands: every record before it is acknowledged (or
 *                            skipped)
 * @param lagBytes            bytes of the log from {@code committedPosition} to its end
 * @param lagRecords          records from {@code committedPosition} to the end of the log
 * @param elapsed             time since the run started
 * @param recordsPerSecond    acknowledged records per second of {@code elapsed}
 */
public record ForwarderStats(long sent, long acknowledged, long skipped, long restarts, long producerRetries,
                             long committedPosition, long lagBytes, long lagRecords, Duration elapsed,
                             double recordsPerSecond) {
}
