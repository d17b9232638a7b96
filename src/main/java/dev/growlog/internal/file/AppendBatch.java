package dev.growlog.internal.file;

/**
 * A {@code dev.growlog.RecordBatch} as the appender reads it, under the append lock: its records'
 * bytes, lengths and checksums, and the array their positions go to. The batch itself keeps these
 * package-private, so that users see none of them; it hands the engine this view instead.
 */
public interface AppendBatch {
    /** Records in the batch. */
    int size();

    /** Sum of the records' payload lengths. */
    long payloadBytes();

    /** Payloads one after another: record {@code i}'s bytes start at {@link #offset(int)}. */
    byte[] data();

    /** Where record {@code index}'s payload starts in {@link #data()}. */
    int offset(int index);

    /** Payload length of record {@code index}. */
    int length(int index);

    /** CRC32C of record {@code index}'s payload alone, before the seal of its position. */
    int crc(int index);

    /** Each record's position, written by the appender; at least {@link #size()} long. */
    long[] positions();

    /** Marks the batch appended: its positions are valid until it changes. */
    void appended();
}
