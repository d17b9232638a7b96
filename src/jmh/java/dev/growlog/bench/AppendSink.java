package dev.growlog.bench;

import java.io.IOException;

/**
 * One writer of framed records, so that growlog and every peer run under the same harness.
 * Each implementation does the same framing work per record: a 4-byte commit/length word, a
 * CRC32C of the payload sealed with position and word (computed with growlog's own
 * {@link dev.growlog.internal.format.RecordFormat}), the payload, 8-byte alignment, and no record
 * straddling a 64 MiB segment. Chronicle Queue writes its own header in place of the word.
 */
interface AppendSink extends AutoCloseable {
    /** Segment size of every framed peer; growlog's default. */
    int SEGMENT_SIZE = 64 << 20;

    void append(byte[] payload) throws IOException;

    /** Releases the sink and deletes its files without writing the appended data to disk. */
    @Override
    void close() throws IOException;
}
