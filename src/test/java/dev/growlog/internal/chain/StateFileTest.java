package dev.growlog.internal.chain;

import dev.growlog.LogFiles;
import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.UnsupportedFormatException;
import dev.growlog.internal.nativeio.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateFileTest {
    private static final Syscalls SYS = Syscalls.libc();

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("state");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(StateFile.State state) {
        return new String(state.payload(), StandardCharsets.US_ASCII);
    }

    private StateFile created(String payload) throws IOException {
        assertThat(StateFile.create(file(), bytes(payload), SYS)).isTrue();
        StateFile state = StateFile.openExclusive(file(), SYS);
        assertThat(state).isNotNull();
        return state;
    }

    @Test
    void create_writesTheWholeFileWithThePayloadInBothSlots_andLeavesNoTemporaryFile() throws IOException {
        assertThat(StateFile.create(file(), bytes("first"), SYS)).isTrue();

        assertThat(Files.size(file())).isEqualTo(StateFile.FILE_SIZE);
        assertThat(text(StateFile.read(file(), SYS))).isEqualTo("first");
        garble(file(), StateFile.SLOT_SIZE); // the latest slot (sequence 1): slot 0 still holds the state
        assertThat(text(StateFile.read(file(), SYS))).isEqualTo("first");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file());
        }
    }

    @Test
    void create_whenTheFileExists_leavesItAlone() throws IOException {
        try (StateFile state = created("one")) {
            state.write(bytes("two"));
        }
        assertThat(StateFile.create(file(), bytes("other"), SYS)).isFalse();
        assertThat(text(StateFile.read(file(), SYS))).isEqualTo("two");
    }

    @Test
    void write_isReadBackByTheHandle_byAReader_andAfterReopening() throws IOException {
        try (StateFile state = created("a")) {
            state.write(bytes("b"));
            assertThat(text(state.state())).isEqualTo("b");
            assertThat(text(StateFile.read(file(), SYS))).isEqualTo("b");
            state.write(new byte[0]);
            state.write(new byte[StateFile.MAX_PAYLOAD]);
        }
        try (StateFile reopened = StateFile.openExclusive(file(), SYS)) {
            assertThat(reopened.state().payload()).isEqualTo(new byte[StateFile.MAX_PAYLOAD]);
        }
    }

    @Test
    void writes_alternateBetweenTheSlots_eachSlotHoldingItsParityOfSequence() throws IOException {
        try (StateFile state = created("start")) {
            for (int i = 0; i < 10; i++) {
                long before = state.state().sequence();
                state.write(bytes("w" + i));
                long sequence = state.state().sequence();
                assertThat(sequence).isEqualTo(before + 1);
                ByteBuffer raw = raw(file());
                int slot = (int) (sequence & 1);
                assertThat(raw.getLong(slot * StateFile.SLOT_SIZE + 8)).as("slot %d after write %d", slot, i)
                        .isEqualTo(sequence);
                assertThat(raw.getLong((1 - slot) * StateFile.SLOT_SIZE + 8)).as("the other slot after write %d", i)
                        .isEqualTo(sequence - 1);
            }
        }
        assertThat(text(StateFile.read(file(), SYS))).isEqualTo("w9");
    }

    @Test
    void garbageInTheLatestSlot_readsThePreviousState() throws IOException {
        long latest;
        try (StateFile state = created("old")) {
            state.write(bytes("previous"));
            state.write(bytes("latest"));
            latest = state.state().sequence();
        }
        garble(file(), (int) (latest & 1) * StateFile.SLOT_SIZE);

        assertThat(text(StateFile.read(file(), SYS))).isEqualTo("previous");
        try (StateFile reopened = StateFile.openExclusive(file(), SYS)) {
            assertThat(text(reopened.state())).isEqualTo("previous");
            reopened.write(bytes("next")); // goes into the garbled slot, not over the previous state
            assertThat(text(StateFile.read(file(), SYS))).isEqualTo("next");
        }
    }

    @Test
    void aLatestSlotTornAtAnyByte_readsThePreviousState() throws IOException {
        byte[] before;
        byte[] after;
        int offset;
        try (StateFile state = created("x")) {
            state.write(bytes("previous state"));
            before = Files.readAllBytes(file());
            state.write(bytes("the new state, longer"));
            after = Files.readAllBytes(file());
            offset = (int) (state.state().sequence() & 1) * StateFile.SLOT_SIZE;
        }
        int used = StateFile.HEADER_SIZE + "the new state, longer".length() + StateFile.CRC_SIZE;
        for (int cut = 1; cut < used; cut++) {
            // The first cut bytes of the new slot reached the disk; then the other way round.
            byte[] headFirst = before.clone();
            System.arraycopy(after, offset, headFirst, offset, cut);
            checkTorn(headFirst, after, offset, "head written up to " + cut);
            byte[] tailFirst = before.clone();
            System.arraycopy(after, offset + cut, tailFirst, offset + cut, StateFile.SLOT_SIZE - cut);
            checkTorn(tailFirst, after, offset, "tail written from " + cut);
        }
        Files.write(file(), after);
        assertThat(text(StateFile.read(file(), SYS))).isEqualTo("the new state, longer");
    }

    /** A torn slot reads as the previous state, unless the bytes not written happened to match. */
    private void checkTorn(byte[] torn, byte[] after, int offset, String what) throws IOException {
        Files.write(file(), torn);
        boolean whole = Arrays.equals(torn, offset, offset + StateFile.SLOT_SIZE, after, offset,
                offset + StateFile.SLOT_SIZE);
        assertThat(text(StateFile.read(file(), SYS))).as(what)
                .isEqualTo(whole ? "the new state, longer" : "previous state");
    }

    @Test
    void bothSlotsGarbled_isACorruptLogExceptionNamingTheFile() throws IOException {
        created("x").close();
        garble(file(), 0);
        garble(file(), StateFile.SLOT_SIZE);

        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(file().toString()).hasMessageContaining("slot 0: CRC32C=")
                .hasMessageContaining("slot 1: CRC32C=");
        assertThatThrownBy(() -> StateFile.openExclusive(file(), SYS)).isInstanceOf(CorruptLogException.class);
    }

    @Test
    void aShortOrZeroedFile_isACorruptLogException() throws IOException {
        Files.write(file(), new byte[0]);
        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("missing: the file ends at 0");
        Files.write(file(), new byte[StateFile.FILE_SIZE]);
        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("all zero");
    }

    @Test
    void aSlotCopiedIntoTheOtherSlot_isNotTakenForIt() throws IOException {
        try (StateFile state = created("x")) {
            state.write(bytes("two")); // sequence 2, slot 0
        }
        byte[] raw = Files.readAllBytes(file());
        System.arraycopy(raw, 0, raw, StateFile.SLOT_SIZE, StateFile.SLOT_SIZE);
        raw[0] ^= 1; // and slot 0 damaged: only the misplaced copy looks whole
        Files.write(file(), raw);

        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("sequence=2 belongs in slot 0");
    }

    @Test
    void aFileOfANewerVersion_isUnsupported() throws IOException {
        created("x").close();
        byte[] raw = Files.readAllBytes(file());
        raw[4] = 2;
        raw[StateFile.SLOT_SIZE + 4] = 2;
        Files.write(file(), raw);

        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("version=2 expected=1");
    }

    @Test
    void aSecondExclusiveOpen_isRefused_untilTheFirstIsClosed() throws IOException {
        StateFile first = created("x");
        assertThat(StateFile.openExclusive(file(), SYS)).isNull();
        assertThat(StateFile.openExclusive(file(), SYS)).as("a refused open does not drop the first lock").isNull();
        first.close();
        first.close(); // a second close does nothing
        try (StateFile second = StateFile.openExclusive(file(), SYS)) {
            assertThat(second).isNotNull();
        }
    }

    @Test
    void useAfterClose_isAClosedLogException() throws IOException {
        StateFile state = created("x");
        state.close();
        assertThatThrownBy(() -> state.write(bytes("y"))).isInstanceOf(ClosedLogException.class)
                .hasMessageContaining(file().toString());
        assertThatThrownBy(state::state).isInstanceOf(ClosedLogException.class);
    }

    @Test
    void aPayloadOverTheLimit_isRefused_andAMissingFileIsNoSuchFile() throws IOException {
        try (StateFile state = created("x")) {
            assertThatThrownBy(() -> state.write(new byte[StateFile.MAX_PAYLOAD + 1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 256 bytes");
            assertThat(text(state.state())).isEqualTo("x");
        }
        assertThatThrownBy(() -> StateFile.read(dir.resolve("absent"), SYS)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> StateFile.openExclusive(dir.resolve("absent"), SYS))
                .isInstanceOf(NoSuchFileException.class);
    }

    /**
     * A reader polling while the writer writes 1,000 states: never a damaged or torn state, and
     * never one older than the state it read before.
     */
    @Test
    void aReaderDuringWrites_seesOnlyWholeStates_neverGoingBack() throws Exception {
        int writes = 1000;
        StateFile state = created(Long.toString(0));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        AtomicBoolean done = new AtomicBoolean();
        try {
            Future<?> writer = pool.submit(() -> {
                try (state) {
                    for (long v = 1; v <= writes; v++) {
                        state.write(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
                    }
                } finally {
                    done.set(true);
                }
                return null;
            });
            long last = 0;
            long lastSequence = 0;
            int reads = 0;
            while (!done.get()) {
                StateFile.State read = StateFile.read(file(), SYS);
                long value = Long.parseLong(text(read));
                assertThat(read.sequence()).as("read %d", reads).isGreaterThanOrEqualTo(lastSequence);
                assertThat(value).as("read %d: the payload of sequence %d", reads, read.sequence())
                        .isEqualTo(read.sequence() - 1).isGreaterThanOrEqualTo(last);
                last = value;
                lastSequence = read.sequence();
                reads++;
            }
            writer.get(1, TimeUnit.MINUTES);
            assertThat(text(StateFile.read(file(), SYS))).isEqualTo(Long.toString(writes));
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }

    @Test
    void aState_equalsAnotherWithTheSameSequenceAndPayloadBytes_andNamesBothInItsText() {
        StateFile.State state = new StateFile.State(7, bytes("abc"));
        assertThat(state).isEqualTo(new StateFile.State(7, bytes("abc"))).hasSameHashCodeAs(
                new StateFile.State(7, bytes("abc")));
        assertThat(state).isNotEqualTo(new StateFile.State(8, bytes("abc")))
                .isNotEqualTo(new StateFile.State(7, bytes("abd"))).isNotEqualTo("abc");
        assertThat(state.hashCode()).isNotEqualTo(new StateFile.State(8, bytes("abc")).hashCode());
        assertThat(state).hasToString("State[sequence=7, payload=3 bytes]");
    }

    @Test
    void create_ofAPayloadOverTheLimit_isRefused_andMakesNoFile() throws IOException {
        assertThatThrownBy(() -> StateFile.create(file(), new byte[StateFile.MAX_PAYLOAD + 1], SYS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 256 bytes: 257");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    /** Every call leaves the descriptors it opened closed, whether it succeeds, is refused or fails. */
    @Test
    void create_read_andOpen_closeEveryDescriptorTheyOpen_onSuccessRefusalAndFailure() throws IOException {
        long descriptors = LogFiles.openFileDescriptors(dir);
        assertThat(StateFile.create(file(), bytes("x"), SYS)).isTrue();
        assertThat(StateFile.create(file(), bytes("y"), SYS)).isFalse();
        assertThat(text(StateFile.read(file(), SYS))).isEqualTo("x");
        assertThat(LogFiles.openFileDescriptors(dir)).as("descriptors after create and read").isEqualTo(descriptors);
        try (StateFile owner = StateFile.openExclusive(file(), SYS)) {
            assertThat(owner).isNotNull();
            assertThat(StateFile.openExclusive(file(), SYS)).isNull();
            assertThat(LogFiles.openFileDescriptors(dir)).as("descriptors with the owner's open, after a refused open")
                    .isEqualTo(descriptors + 1);
        }
        garble(file(), 0);
        garble(file(), StateFile.SLOT_SIZE);
        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(CorruptLogException.class);
        assertThatThrownBy(() -> StateFile.openExclusive(file(), SYS)).isInstanceOf(CorruptLogException.class);
        assertThat(LogFiles.openFileDescriptors(dir)).as("descriptors after failed reads").isEqualTo(descriptors);
    }

    /**
     * A file cut short: a slot is read when its header, payload and checksum all lie inside the
     * file, to the byte, and reported missing or too long when they do not.
     */
    @Test
    void aFileEndingExactlyAfterSlot0_readsSlot0_andOneByteShorterIsCorrupt() throws IOException {
        assertThat(StateFile.create(file(), new byte[0], SYS)).isTrue();
        truncate(StateFile.HEADER_SIZE + StateFile.CRC_SIZE);
        assertThat(StateFile.read(file(), SYS)).isEqualTo(new StateFile.State(0, new byte[0]));
        truncate(StateFile.HEADER_SIZE + StateFile.CRC_SIZE - 1);
        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("slot 0: missing: the file ends at 19")
                .hasMessageContaining("slot 1: missing: the file ends at 19");

        Files.delete(file());
        assertThat(StateFile.create(file(), bytes("abc"), SYS)).isTrue();
        int end = StateFile.HEADER_SIZE + 3 + StateFile.CRC_SIZE;
        truncate(end);
        assertThat(StateFile.read(file(), SYS)).isEqualTo(new StateFile.State(0, bytes("abc")));
        truncate(end - 1);
        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("(22 bytes)")
                .hasMessageContaining("slot 0: payload length=3 expected at most 256 within the file's 22 bytes")
                .hasMessageContaining("slot 1: missing: the file ends at 22");
    }

    @Test
    void aSlotWithoutItsMagic_isReportedAllZeroOnlyWhenEveryByteIsZero() throws IOException {
        created("x").close();
        byte[] raw = Files.readAllBytes(file());
        Arrays.fill(raw, 0, 4, (byte) 0); // slot 0: no magic, the rest of its bytes as they were
        Arrays.fill(raw, StateFile.SLOT_SIZE, StateFile.FILE_SIZE, (byte) 0);
        Files.write(file(), raw);
        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("slot 0: magic=0x0 expected=0x54534c47")
                .hasMessageContaining("slot 1: all zero");
        raw[StateFile.FILE_SIZE - 1] = 1; // only the last byte of slot 1 is not zero
        Files.write(file(), raw);
        assertThatThrownBy(() -> StateFile.read(file(), SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("slot 1: magic=0x0 expected=0x54534c47");
    }

    private void truncate(int size) throws IOException {
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** Flips bytes in the header, payload and CRC of the slot at {@code offset}. */
    static void garble(Path file, int offset) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        for (int i = 8; i < 40; i++) {
            raw[offset + i] ^= (byte) (0x5A + i);
        }
        Files.write(file, raw);
    }

    private static ByteBuffer raw(Path file) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
