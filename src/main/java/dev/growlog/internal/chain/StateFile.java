package dev.growlog.internal.chain;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;
import dev.growlog.error.UnsupportedFormatException;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * A small file holding one piece of durable state (a cursor, the start of the log), cheap to
 * update often and safe against crashes and torn writes.
 *
 * <pre>
 *   the file: two slots of 4096 bytes; the state with sequence number s lives in slot s % 2
 *
 *   0                         4096                      8192
 *   +-------------------------+-------------------------+
 *   |         slot 0          |         slot 1          |
 *   +-------------------------+-------------------------+
 *
 *   a slot (all integers little-endian):
 *
 *   offset  size  field
 *   0       4     magic 0x54534C47 (the bytes "GLST")
 *   4       2     format version (1)
 *   6       2     payload length n (0 .. 256)
 *   8       8     sequence number (unsigned): one more with each write
 *   16      n     payload
 *   16 + n  4     CRC32C of bytes 0 .. 16 + n
 *   20 + n        zero up to 4096
 * </pre>
 *
 * The state is the valid slot with the higher sequence number. A slot is valid when its magic,
 * version, length and CRC32C check out and its sequence number belongs in it.
 *
 * <h2>Crash safety</h2>
 * A write goes into the slot that does not hold the latest state, whole ({@code pwrite} of the
 * 4096 bytes), then {@code fdatasync}: once {@link #write} returns the new state survives a
 * kill and a power loss. A write torn by a crash leaves a slot whose CRC32C fails; it is
 * ignored and the other slot, untouched and synced before, holds the previous state. Each slot
 * is one page, aligned, so no write of one slot ever touches the other. A new file is written
 * whole under a temporary name (dot-prefixed, in the same directory), synced, linked into place
 * and the directory synced: no crash leaves a half-made file under the real name.
 *
 * <h2>Concurrency</h2>
 * One writer at a time: {@link #openExclusive} takes {@code flock(LOCK_EX | LOCK_NB)} on the
 * file's own descriptor, so a second writer in this process or another is refused. Readers
 * ({@link #read(Path, Syscalls)}) take no lock and may run while the writer writes; the kernel
 * does not make a read atomic against a write, so a reader may catch a slot half-copied. Its
 * CRC32C then fails and the other slot wins; and a reader reads both slots twice and takes the
 * result only when the two reads agree, so that it neither reports damage nor returns a state
 * older than the one before, just because a writer wrote twice during one read.
 *
 * <p>NOTE: after a failed write (an exception from {@link #write}) the handle still holds the
 * previous state and makes the slot it tried to write invalid in the page cache; a crash soon
 * after may still leave the new state on disk. Either state is whole, never torn.
 *
 * <p>NOTE: the handle is not for sharing between threads without a lock of the caller's.
 */
public final class StateFile implements Closeable {
    /** Bytes in one slot; slot i starts at {@code i * SLOT_SIZE}. */
    public static final int SLOT_SIZE = 4096;
    /** Bytes in the whole file. */
    public static final int FILE_SIZE = 2 * SLOT_SIZE;
    /** Largest payload in bytes. */
    public static final int MAX_PAYLOAD = 256;

    /** The bytes "GLST" read as a little-endian int. */
    static final int MAGIC = 0x5453_4C47;
    static final short VERSION = 1;
    /** Bytes before the payload: magic, version, length, sequence. */
    static final int HEADER_SIZE = 16;
    static final int CRC_SIZE = 4;
    /** Reads of both slots a reader makes at most while a writer keeps changing them. */
    private static final int READ_ATTEMPTS = 16;
    private static final byte[] ZEROS = new byte[SLOT_SIZE];

    /** The latest state: its sequence number and a copy of its payload. */
    public record State(long sequence, byte[] payload) {
        /** A copy: the array in a record is shared with every caller. */
        @Override
        public byte[] payload() {
            return payload.clone();
        }

        /** The payload, read as little-endian. */
        public ByteBuffer payloadBuffer() {
            return ByteBuffer.wrap(payload).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && s.sequence == sequence && Arrays.equals(s.payload, payload);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequence) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "State[sequence=" + sequence + ", payload=" + payload.length + " bytes]";
        }
    }

    private final Path file;
    private final Syscalls sys;
    /** Descriptor open read-write, holding the exclusive lock; -1 once closed. */
    private int fd;
    /** The latest state, in slot {@code state.sequence % 2}. */
    private State state;
    /** One slot image, encoded for a write; direct, for pwrite. */
    private final ByteBuffer slot = ByteBuffer.allocateDirect(SLOT_SIZE).order(ByteOrder.LITTLE_ENDIAN);

    private StateFile(Path file, Syscalls sys, int fd, State state) {
        this.file = file;
        this.sys = sys;
        this.fd = fd;
        this.state = state;
    }

    /**
     * Creates the file holding {@code payload}, atomically: the name appears only once the file
     * is complete and on disk. Leaves an existing file alone.
     *
     * @return true if this call created it, false if the file existed already
     * @throws LogFullException when the disk has no room for it
     */
    public static boolean create(Path file, byte[] payload, Syscalls sys) throws IOException {
        checkPayload(payload);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".creating");
        try {
            ByteBuffer image = ByteBuffer.allocateDirect(FILE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            // Both slots hold the first state: a torn first write then still leaves one.
            encode(image.slice(0, SLOT_SIZE).order(ByteOrder.LITTLE_ENDIAN), 0, payload);
            encode(image.slice(SLOT_SIZE, SLOT_SIZE).order(ByteOrder.LITTLE_ENDIAN), 1, payload);
            int fd = sys.open(temp, true, true);
            try {
                sys.pwrite(temp, fd, image, 0);
                sys.fdatasync(temp, fd);
            } catch (NativeCallException e) {
                throw noSpaceAsFull(e, file, "no space to create " + file);
            } finally {
                sys.close(temp, fd);
            }
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
            sys.syncDirectory(dir);
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Opens the file for writing and takes its exclusive lock ({@code flock(LOCK_EX | LOCK_NB)},
     * never waiting), then reads its latest state.
     *
     * @return the open file, or null when another holder, in this process or another, has it
     * @throws NoSuchFileException when there is no such file, or it was removed while this call
     *                             waited for the lock
     */
    public static StateFile openExclusive(Path file, Syscalls sys) throws IOException {
        int fd = openExisting(file, sys, true);
        boolean locked;
        try {
            locked = sys.tryLockExclusive(file, fd);
            // The lock may have come from a holder that removed the file: then it is not ours.
            if (locked && !sys.fileId(file, fd).sameFile(sys.fileId(file))) {
                throw new NoSuchFileException(file.toString(), null, "removed while it was being opened");
            }
            if (locked) {
                return new StateFile(file, sys, fd, readLatest(file, fd, sys));
            }
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(sys, file, fd, e);
            throw e;
        }
        sys.close(file, fd);
        return null;
    }

    /**
     * Reads the latest state without taking the lock; a writer may be writing meanwhile.
     *
     * @throws NoSuchFileException     when there is no such file
     * @throws CorruptLogException     when neither slot holds a valid state
     * @throws UnsupportedFormatException when a newer version wrote the file
     */
    public static State read(Path file, Syscalls sys) throws IOException {
        int fd = openExisting(file, sys, false);
        State latest;
        try {
            latest = readLatest(file, fd, sys);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(sys, file, fd, e);
            throw e;
        }
        sys.close(file, fd);
        return latest;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The latest state. */
    public State state() {
        checkOpen();
        return state;
    }

    /**
     * Makes {@code payload} the state, durably: on return it survives a kill and a power loss.
     * On an exception the previous state stays the handle's state, and the next write may be
     * tried again.
     *
     * @throws LogFullException    when the disk has no room (ENOSPC, EDQUOT)
     * @throws NativeCallException when {@code pwrite} or {@code fdatasync} failed otherwise
     */
    public void write(byte[] payload) throws IOException {
        checkPayload(payload);
        checkOpen();
        long sequence = state.sequence() + 1;
        long offset = (sequence & 1) * SLOT_SIZE;
        encode(slot.clear(), sequence, payload);
        try {
            sys.pwrite(file, fd, slot.clear(), offset);
            sys.fdatasync(file, fd);
        } catch (NativeCallException e) {
            invalidate(offset, e);
            throw noSpaceAsFull(e, file, "no space to write the state in " + file);
        }
        state = new State(sequence, payload.clone());
    }

    /** Releases the lock and the descriptor; does nothing the second time. */
    @Override
    public void close() throws IOException {
        if (fd < 0) {
            return;
        }
        int open = fd;
        fd = -1;
        sys.close(file, open); // the only descriptor of this open file description: flock ends with it
    }

    /**
     * After a failed write, zeroes the slot written so that nobody reads the state that was not
     * made durable; the other slot, holding the latest state, is untouched. Best effort.
     */
    private void invalidate(long offset, NativeCallException failure) {
        try {
            sys.pwrite(file, fd, slot.clear().put(ZEROS).flip(), offset);
        } catch (NativeCallException e) {
            failure.addSuppressed(e);
        }
    }

    private void checkOpen() {
        if (fd < 0) {
            throw new ClosedLogException("state file " + file + " is closed");
        }
    }

    private static void checkPayload(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a state payload holds at most " + MAX_PAYLOAD + " bytes: "
                    + payload.length);
        }
    }

    private static int openExisting(Path file, Syscalls sys, boolean writable) throws IOException {
        try {
            return sys.open(file, writable, false);
        } catch (NativeCallException e) {
            if ("ENOENT".equals(e.errnoName())) {
                NoSuchFileException missing = new NoSuchFileException(file.toString());
                missing.initCause(e);
                throw missing;
            }
            throw e;
        }
    }

    private static void closeQuietly(Syscalls sys, Path file, int fd, Throwable primary) {
        try {
            sys.close(file, fd);
        } catch (NativeCallException e) {
            primary.addSuppressed(e);
        }
    }

    private static IOException noSpaceAsFull(NativeCallException e, Path file, String message) {
        return e.isNoSpace() ? new LogFullException(file, message + ": " + e.getMessage(), e) : e;
    }

    /** Encodes one slot image into {@code into} (SLOT_SIZE bytes), position 0, limit SLOT_SIZE. */
    static void encode(ByteBuffer into, long sequence, byte[] payload) {
        into.clear().put(ZEROS).clear();
        into.putInt(MAGIC).putShort(VERSION).putShort((short) payload.length).putLong(sequence).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(into.duplicate().flip());
        into.putInt((int) crc.getValue());
        into.clear();
    }

    /** The state in both slots, read until two reads in a row agree. */
    static State readLatest(Path file, int fd, Syscalls sys) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(FILE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        Outcome previous = null;
        State newest = null;
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            int read = sys.pread(file, fd, buffer.clear(), 0);
            Outcome outcome = new Outcome(decode(buffer, 0, read), decode(buffer, 1, read));
            if (outcome.equals(previous)) {
                return outcome.latestOrThrow(file, read);
            }
            State latest = outcome.latest();
            if (latest != null && (newest == null || Long.compareUnsigned(latest.sequence(), newest.sequence()) > 0)) {
                newest = latest;
            }
            previous = outcome;
        }
        // A writer that never paused for two reads: the newest whole state seen is as good.
        return newest != null ? newest : previous.latestOrThrow(file, FILE_SIZE);
    }

    /** What one read found in both slots. */
    private record Outcome(Slot slot0, Slot slot1) {
        State latest() {
            if (slot0.state() == null) {
                return slot1.state();
            }
            if (slot1.state() == null) {
                return slot0.state();
            }
            return Long.compareUnsigned(slot0.state().sequence(), slot1.state().sequence()) > 0 ? slot0.state()
                    : slot1.state();
        }

        State latestOrThrow(Path file, int size) throws IOException {
            State latest = latest();
            if (latest != null) {
                return latest;
            }
            if (slot0.newerVersion() || slot1.newerVersion()) {
                throw new UnsupportedFormatException(file, "state file " + file + " was written by a newer version: "
                        + slot0.problem() + "; " + slot1.problem());
            }
            throw new CorruptLogException(file, 0, "state file (" + size + " bytes) has no valid slot: slot 0: "
                    + slot0.problem() + "; slot 1: " + slot1.problem());
        }
    }

    /** One slot: its state when valid, else what is wrong with it. */
    private record Slot(State state, String problem, boolean newerVersion) {
        static Slot invalid(String problem) {
            return new Slot(null, problem, false);
        }
    }

    private static Slot decode(ByteBuffer file, int index, int size) {
        int base = index * SLOT_SIZE;
        if (size < base + HEADER_SIZE + CRC_SIZE) {
            return Slot.invalid("missing: the file ends at " + size);
        }
        int magic = file.getInt(base);
        if (magic != MAGIC) {
            return Slot.invalid(isZero(file, base, Math.min(size - base, SLOT_SIZE)) ? "all zero"
                    : "magic=0x" + Integer.toHexString(magic) + " expected=0x" + Integer.toHexString(MAGIC));
        }
        int version = Short.toUnsignedInt(file.getShort(base + 4));
        if (version != VERSION) {
            return new Slot(null, "version=" + version + " expected=" + VERSION, version > VERSION);
        }
        int length = Short.toUnsignedInt(file.getShort(base + 6));
        if (length > MAX_PAYLOAD || size < base + HEADER_SIZE + length + CRC_SIZE) {
            return Slot.invalid("payload length=" + length + " expected at most " + MAX_PAYLOAD
                    + " within the file's " + size + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(file.slice(base, HEADER_SIZE + length));
        int stored = file.getInt(base + HEADER_SIZE + length);
        if (stored != (int) crc.getValue()) {
            return Slot.invalid("CRC32C=0x" + Integer.toHexString(stored) + " expected=0x"
                    + Integer.toHexString((int) crc.getValue()));
        }
        long sequence = file.getLong(base + 8);
        if ((sequence & 1) != index) {
            return Slot.invalid("sequence=" + Long.toUnsignedString(sequence) + " belongs in slot "
                    + (sequence & 1));
        }
        byte[] payload = new byte[length];
        file.get(base + HEADER_SIZE, payload);
        return new Slot(new State(sequence, payload), null, false);
    }

    private static boolean isZero(ByteBuffer buffer, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
