package dev.growlog;

import java.nio.ByteBuffer;

/**
 * Receives records without copying them: {@code payload} is a read-only view of the mapped
 * file, already checked against its CRC32C. The payload is the bytes between the buffer's
 * position and its limit; read it with relative gets, or with absolute ones from
 * {@code payload.position()}. The buffer is big-endian, as any new buffer is.
 *
 * <p>NOTE: the view is valid only during the call. Copy what you need to keep.
 * {@link LogReader#forEach(RecordHandler)} hands every record of a segment in the same buffer
 * object, reframed for each: its position is the payload's offset in the segment, not 0, and
 * a buffer kept past its call shows a later record (or nothing meaningful) once the next one is
 * handed out. {@link GrowLog#read(long, RecordHandler)} hands a buffer of its own, positioned at
 * 0. Either way a buffer kept past its call stays read-only and readable, never an unmapped
 * address; after a move it keeps the old address range mapped until the collector finds it
 * unreachable.
 *
 * <p>NOTE: the call runs while a lease on the mapping is held, so a slow handler delays moves
 * of the mapping (growth in place is never delayed), and a handler must not wait for anything
 * that may wait for a move. Calls into the log from a handler never deadlock; they work or fail
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
     * @param payload  a read-only view of the mapped file holding the record's payload from its
     *                 position to its limit ({@code remaining()} is the payload length); valid
     *                 only during the call, and possibly reused for the next record
     */
    void onRecord(long position, ByteBuffer payload);
}
