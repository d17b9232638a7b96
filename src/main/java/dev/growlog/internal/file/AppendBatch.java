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

    /**
     * The records framed as in a log file, one after another from index 0: each one's 8-byte
     * header (zero here), its payload, then zeros to a multiple of 8 bytes.
     */
    byte[] data();

    /** Where record {@code index}'s header starts in {@link #data()}; its payload follows it. */
    int start(int index);

    /** Payload length of record {@code index}. */
    int length(int index);

    /** CRC32C of record {@code index}'s payload alone, before the seal of its position. */
    int crc(int index);

    /** Each record's position, written by the appender; at least {@link #size()} long. */
    long[] positions();

    /** Marks the batch appended: its positions are valid until it changes. */
    void appended();
}
