package dev.growlog.internal.chain;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.CursorLockedException;
import dev.growlog.error.GrowLogException;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Durable named cursors of one log, one {@link StateFile} per cursor, in
 * {@code <log directory>/cursors/<name>.cursor} (the directory is made when the first cursor
 * is).
 *
 * <pre>
 *   payload of a cursor's state (24 bytes, little-endian)
 *
 *   offset  size  field
 *   0       8     position: committed log position in bytes (at least 0, a multiple of 8)
 *   8       8     commit time, milliseconds since the epoch
 *   16      8     log id: the log the cursor belongs to
 * </pre>
 *
 * A cursor has one owner at a time: {@link #open} takes an exclusive {@code flock} on the
 * cursor file's own descriptor and refuses at once with {@link CursorLockedException} when
 * another owner, in this process or another, holds it. {@link #set} and {@link #delete} take
 * the same lock for the moment they need it. {@link #list} and {@link #read} take no lock (a
 * probe lock would make a real owner's {@code open} fail): they see the state before or after
 * a concurrent commit, never a torn one.
 *
 * <p>Names are 1 to 64 characters of {@code [A-Za-z0-9._-]}, not starting with a dot (the
 * dot-prefixed names are temporary files).
 *
 * <p>NOTE: the store does not interpret positions; it only checks that they are at least 0 and
 * multiples of 8.
 */
public final class CursorStore {
    /** The cursors' directory, under the log's directory. */
    public static final String DIRECTORY = "cursors";
    /** Ending of a cursor's file name. */
    public static final String SUFFIX = ".cursor";
    /** Longest name, in characters. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Bytes in a cursor's payload. */
    static final int PAYLOAD_SIZE = 24;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    private static final String NAME_RULE = "1 to " + MAX_NAME_LENGTH
            + " characters of A-Z a-z 0-9 '.' '_' '-', not starting with '.'";
    /** Opens that find the file removed under them before one gives up (only a storm of deletes). */
    private static final int OPEN_ATTEMPTS = 8;

    /** The directory holding the cursor files. */
    private final Path directory;
    /** Id of the log the cursors belong to; stored in each cursor and checked on every read. */
    private final long logId;
    private final Syscalls sys;

    private CursorStore(Path directory, long logId, Syscalls sys) {
        this.directory = directory;
        this.logId = logId;
        this.sys = sys;
    }

    /** The cursors of the log with id {@code logId} in {@code logDirectory}. Touches no file yet. */
    public static CursorStore of(Path logDirectory, long logId) {
        return of(logDirectory, logId, Syscalls.libc());
    }

    /** As {@link #of(Path, long)}, making its calls through {@code sys}. */
    public static CursorStore of(Path logDirectory, long logId, Syscalls sys) {
        return new CursorStore(logDirectory.toAbsolutePath().resolve(DIRECTORY), logId, sys);
    }

    /** The directory holding the cursor files. */
    public Path directory() {
        return directory;
    }

    /** The file of the cursor {@code name}. */
    public Path file(String name) {
        checkName(name);
        return directory.resolve(name + SUFFIX);
    }

    /**
     * Opens the cursor as its owner, creating it at {@code initialPosition} if it does not exist
     * (an existing cursor keeps its position).
     *
     * @throws IllegalArgumentException when the name breaks the rule, or {@code initialPosition}
     *                                  is negative or not a multiple of 8
     * @throws CursorLockedException    when another owner, in this process or another, holds it
     * @throws GrowLogException         when the cursor file is damaged or belongs to another log
     */
    public CursorFile open(String name, long initialPosition) throws IOException {
        Path file = file(name);
        checkPosition(initialPosition);
        StateFile state = lock(name, file, initialPosition);
        try {
            return new CursorFile(this, name, state, decode(name, file, state.state()));
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(state, e);
            throw e;
        }
    }

    /**
     * Every cursor's stored state, in name order, read without taking ownership.
     *
     * @throws GrowLogException when a cursor file is damaged or belongs to another log
     */
    public List<CursorState> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                String name = fileName.substring(0, fileName.length() - SUFFIX.length());
                if (NAME.matcher(name).matches()) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException noCursorsYet) {
            return List.of();
        }
        List<CursorState> cursors = new ArrayList<>(names.size());
        for (String name : names) {
            read(name).ifPresent(cursors::add); // absent: deleted since the listing
        }
        cursors.sort(Comparator.comparing(CursorState::name));
        return cursors;
    }

    /**
     * The cursor's stored state, read without taking ownership; empty when there is no such
     * cursor.
     *
     * @throws GrowLogException when the cursor file is damaged or belongs to another log
     */
    public Optional<CursorState> read(String name) throws IOException {
        Path file = file(name);
        try {
            return Optional.of(decode(name, file, StateFile.read(file, sys)));
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
    }

    /**
     * Removes the cursor, for administration.
     *
     * @return false when there was no such cursor
     * @throws CursorLockedException when an owner holds it
     */
    public boolean delete(String name) throws IOException {
        Path file = file(name);
        StateFile state;
        try {
            state = StateFile.openExclusive(file, sys);
        } catch (NoSuchFileException absent) {
            return false;
        }
        if (state == null) {
            throw new CursorLockedException(file, name);
        }
        try {
            decode(name, file, state.state()); // never remove another log's cursor
            Files.delete(file);
            sys.syncDirectory(directory);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(state, e);
            throw e;
        }
        state.close();
        return true;
    }

    /**
     * Sets the cursor to {@code position}, forward or back, for administration; creates it when
     * absent. Durable on return.
     *
     * @throws CursorLockedException when an owner holds it
     */
    public void set(String name, long position) throws IOException {
        Path file = file(name);
        checkPosition(position);
        if (!Files.exists(file)) {
            ensureDirectory();
            if (StateFile.create(file, payload(position, System.currentTimeMillis()), sys)) {
                return;
            }
        }
        StateFile state = lock(name, file, position);
        try {
            decode(name, file, state.state());
            state.write(payload(position, System.currentTimeMillis()));
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(state, e);
            throw e;
        }
        state.close();
    }

    /** Opens the cursor's file with its lock, creating the file at {@code initialPosition} when absent. */
    private StateFile lock(String name, Path file, long initialPosition) throws IOException {
        for (int attempt = 1; ; attempt++) {
            if (!Files.exists(file)) {
                ensureDirectory();
                StateFile.create(file, payload(initialPosition, System.currentTimeMillis()), sys);
            }
            StateFile state;
            try {
                state = StateFile.openExclusive(file, sys);
            } catch (NoSuchFileException deleted) {
                if (attempt == OPEN_ATTEMPTS) {
                    throw deleted;
                }
                continue; // deleted between our create and our lock: make it again
            }
            if (state == null) {
                throw new CursorLockedException(file, name);
            }
            return state;
        }
    }

    private void ensureDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            sys.syncDirectory(directory.getParent());
        }
    }

    /** The payload of a cursor's state. */
    byte[] payload(long position, long commitMillis) {
        return ByteBuffer.allocate(PAYLOAD_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(position).putLong(commitMillis).putLong(logId).array();
    }

    private CursorState decode(String name, Path file, StateFile.State state) throws GrowLogException {
        long at = (state.sequence() & 1) * StateFile.SLOT_SIZE + StateFile.HEADER_SIZE;
        ByteBuffer payload = state.payloadBuffer();
        if (payload.remaining() != PAYLOAD_SIZE) {
            throw new CorruptLogException(file, at, "cursor payload length=" + payload.remaining()
                    + " expected=" + PAYLOAD_SIZE);
        }
        long position = payload.getLong(0);
        long commitMillis = payload.getLong(8);
        long storedLogId = payload.getLong(16);
        if (storedLogId != logId) {
            throw new GrowLogException(file, "cursor file " + file + " belongs to another log: log id=0x"
                    + Long.toHexString(storedLogId) + " expected=0x" + Long.toHexString(logId));
        }
        if (position < 0 || position % 8 != 0) {
            throw new CorruptLogException(file, at, "cursor position=" + position
                    + " expected at least 0 and a multiple of 8");
        }
        return new CursorState(name, position, commitMillis);
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad cursor name " + (name == null ? "null" : "'" + name + "'")
                    + ": a name is " + NAME_RULE);
        }
    }

    static void checkPosition(long position) {
        if (position < 0 || position % 8 != 0) {
            throw new IllegalArgumentException("a cursor position is at least 0 and a multiple of 8: " + position);
        }
    }

    private static void closeQuietly(StateFile state, Throwable primary) {
        try {
            state.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
