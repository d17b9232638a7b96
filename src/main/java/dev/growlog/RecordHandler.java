package dev.growlog;

import java.nio.ByteBuffer;

/**
 * Receives records without copying them: {@code payload} is a read-only view of the mapped
 * file, already checked against its CRC32C.
 *
 * <p>NOTE: the view is valid only during the call. Copy what you need to keep. A view kept past
 * its call stays readable and still shows the record's bytes, never an unmapped address; after
 * a move it keeps the old address range mapped until the collector finds it unreachable.
 *
 * <p>NOTE: the call runs while a lease on the mapping is held ({@code forEach} holds one for up
 * to 1024 records or 64 KiB of payload), so a slow handler delays moves of the mapping (growth
 * in place is never delayed), and a handler must not wait for anything that may wait for a
 * move. Calls into the log from a handler never deadlock; they work or fail
 * at once with {@link IllegalStateException}:
 * <ul>
 *   <li>reads ({@code read}, readers) work;</li>
 *   <li>{@code append} works when it can run at once: no other thread holds the append lock
 *       and the record fits in the mapped file; otherwise it throws and appends nothing;</li>
 *   <li>{@code sync}, {@code appendDurable} (and appends under {@link Durability#EVERY_APPEND}),
 *       {@code close} and a tailer's {@code poll} or {@code take} that would wait throw;</li>
 *   <li>on a read-only log, anything that follows the writer's growth ({@code endPosition},
 *       {@code stats}, reading past the end found so far) works when the follow lock is free
 *       and the mapping can grow in place, and throws otherwise.</li>
 * </ul>
 */
@FunctionalInterface
public interface RecordHandler {
    /**
     * Receives one record.
     *
     * @param position the record's position
     * @param payload  a read-only view of the record's payload in the mapped file, from its
     *                 position (0) to its limit (the payload length); valid only during the call
     */
    void onRecord(long position, ByteBuffer payload);
}
