package dev.growlog;

import java.nio.ByteBuffer;

/**
 * Receives records without copying them: {@code payload} is a read-only view of the mapped
 * file, already checked against its CRC32C.
 *
 * <p>NOTE: the view is valid only during the call. Copy what you need to keep. The call runs
 * while a lease on the mapping is held, so a slow handler delays moves of the mapping (growth
 * in place is never delayed); a handler must not wait for the writer, and must not append when
 * that needs the mapping to move (that throws {@link IllegalStateException}). A view kept past
 * its call stays readable and still shows the record's bytes, never an unmapped address; after
 * a move it keeps the old address range mapped until the collector finds it unreachable.
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
