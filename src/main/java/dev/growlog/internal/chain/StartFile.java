package dev.growlog.internal.chain;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.LogLockedException;
import dev.growlog.internal.chain.StateFile;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The start file of a log, {@value #NAME} in its directory: the durable start position, kept
 * in a {@link StateFile} (two slots, each with a sequence number and a CRC32C).
 *
 * <pre>
 *   payload of the start file's state (16 bytes, little-endian)
 *
 *   offset  size  field
 *   0       8     start position (global): every position before it was dropped
 *   8       8     log id (as in every data file's header)
 * </pre>
 *
 * <h2>Crash safety</h2>
 * The first start is written as a complete file under a temporary name, synced and linked into
 * place; a new start goes into the slot that does not hold the latest one, then
 * {@code fdatasync}. So a start that {@link #write} returned from survives power loss, and a
 * write torn by a crash leaves the previous start, which the caller had not yet acted on (it
 * deletes files only after the write returns). Without a start file, the log starts at the first
 * record of its lowest data file.
 *
 * <h2>Concurrency</h2>
 * Only the writer of the log writes the file (under the chain lock, and holding the log's
 * writer lock); readers in any process read it without a lock and see the start before or after
 * a concurrent write, never a torn one.
 */
public final class StartFile {
    public static final String NAME = "start";
    /** Bytes of the payload. */
    static final int PAYLOAD_SIZE = 16;
    /** Bytes on disk of the start file, which never grows. */
    static final int FILE_SIZE = StateFile.FILE_SIZE;

    private StartFile() {
    }

    /** The start position the file in {@code dir} records, or -1 when there is none. */
    static long read(Path dir, long logId, Syscalls sys) throws IOException {
        Path file = dir.resolve(NAME);
        StateFile.State state;
        try {
            state = StateFile.read(file, sys);
        } catch (NoSuchFileException absent) {
            return -1;
        }
        return decode(file, state, logId);
    }

    /** Makes {@code start} the durable start of the log in {@code dir}. */
    public static void write(Path dir, long logId, long start, Syscalls sys) throws IOException {
        Path file = dir.resolve(NAME);
        byte[] payload = ByteBuffer.allocate(PAYLOAD_SIZE).order(ByteOrder.LITTLE_ENDIAN).putLong(start)
                .putLong(logId).array();
        try {
            update(file, logId, payload, sys);
        } catch (NoSuchFileException absent) {
            if (!StateFile.create(file, payload, sys)) {
                update(file, logId, payload, sys); // made meanwhile: only by a writer that broke the writer lock
            }
        }
    }

    private static void update(Path file, long logId, byte[] payload, Syscalls sys) throws IOException {
        try (StateFile state = StateFile.openExclusive(file, sys)) {
            if (state == null) {
                throw new LogLockedException(file.getParent());
            }
            decode(file, state.state(), logId);
            state.write(payload);
        }
    }

    private static long decode(Path file, StateFile.State state, long logId) throws CorruptLogException {
        ByteBuffer payload = state.payloadBuffer();
        if (payload.remaining() != PAYLOAD_SIZE) {
            throw new CorruptLogException(file, 0, "start file " + file + " is damaged: payload length="
                    + payload.remaining() + " expected=" + PAYLOAD_SIZE);
        }
        long start = payload.getLong(0);
        long storedLogId = payload.getLong(8);
        if (storedLogId != logId) {
            throw new CorruptLogException(file, 0, "start file " + file + " belongs to another log: log id actual=0x"
                    + Long.toHexString(storedLogId) + " expected=0x" + Long.toHexString(logId));
        }
        if (start < 0) {
            throw new CorruptLogException(file, 0, "start file " + file + " is damaged: start=" + start
                    + " expected at least 0");
        }
        return start;
    }
}
