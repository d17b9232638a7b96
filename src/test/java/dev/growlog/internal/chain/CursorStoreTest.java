package dev.growlog.internal.chain;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.CursorLockedException;
import dev.growlog.error.GrowLogException;
import dev.growlog.internal.nativeio.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorStoreTest {
    private static final long LOG_ID = 0x1234_5678_9ABC_DEF0L;

    @TempDir
    Path dir;

    private CursorStore store() {
        return CursorStore.of(dir, LOG_ID);
    }

    @Test
    void open_createsTheCursorAtTheInitialPosition_andAReopenKeepsItsCommittedPosition() throws IOException {
        CursorStore store = store();
        try (CursorFile cursor = store.open("reader", 4096)) {
            assertThat(cursor.name()).isEqualTo("reader");
            assertThat(cursor.position()).isEqualTo(4096);
            assertThat(cursor.file()).isEqualTo(dir.toAbsolutePath().resolve("cursors/reader.cursor"));
            cursor.commit(8192);
            assertThat(cursor.position()).isEqualTo(8192);
        }
        try (CursorFile cursor = store.open("reader", 0)) {
            assertThat(cursor.position()).as("the initial position applies only to a new cursor").isEqualTo(8192);
        }
    }

    @Test
    void commits_areReadBackWithoutOwnership_whileTheOwnerHoldsTheCursor() throws IOException {
        CursorStore store = store();
        try (CursorFile cursor = store.open("a", 0)) {
            for (long p = 8; p <= 800; p += 8) {
                cursor.commit(p);
                assertThat(store.read("a")).get().extracting(CursorState::position).isEqualTo(p);
            }
            CursorState read = store.read("a").orElseThrow();
            assertThat(read.lastCommitMillis()).isEqualTo(cursor.lastCommitMillis());
            cursor.commit(cursor.position()); // the same position again is allowed
            cursor.commit(816);
            assertThat(CursorStore.of(dir, LOG_ID).read("a")).get().extracting(CursorState::position).isEqualTo(816L);
        }
    }

    @Test
    void commit_belowTheCommittedPosition_isRefused_butMoveGoesBack() throws IOException {
        try (CursorFile cursor = store().open("c", 800)) {
            assertThatThrownBy(() -> cursor.commit(792)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("commits only forward").hasMessageContaining("792")
                    .hasMessageContaining("800");
            assertThat(cursor.position()).isEqualTo(800);
            cursor.move(16);
            assertThat(cursor.position()).isEqualTo(16);
            assertThat(store().read("c")).get().extracting(CursorState::position).isEqualTo(16L);
            cursor.move(1 << 20);
            assertThat(store().read("c")).get().extracting(CursorState::position).isEqualTo(1L << 20);
        }
    }

    @Test
    void positionsBelowZeroOrNotMultiplesOf8_areRefused() throws IOException {
        CursorStore store = store();
        assertThatThrownBy(() -> store.open("p", -8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 8");
        assertThatThrownBy(() -> store.set("p", 12)).isInstanceOf(IllegalArgumentException.class);
        try (CursorFile cursor = store.open("p", 0)) {
            assertThatThrownBy(() -> cursor.commit(9)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cursor.move(-8)).isInstanceOf(IllegalArgumentException.class);
            assertThat(cursor.position()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "..", "a/b", "a b", "ä", "name\n", "a:b",
            "12345678901234567890123456789012345678901234567890123456789012345"})
    void badNames_areRefusedWithTheRule(String name) {
        CursorStore store = store();
        assertThatThrownBy(() -> store.open(name, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 64 characters of A-Z a-z 0-9 '.' '_' '-', not starting with '.'");
        assertThatThrownBy(() -> store.read(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.set(name, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(name)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.exists(store.directory())).as("nothing made for a bad name").isFalse();
    }

    @Test
    void aNullName_isRefusedNamingIt() {
        assertThatThrownBy(() -> store().open(null, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad cursor name null: a name is 1 to 64 characters");
        assertThatThrownBy(() -> store().read("a b")).hasMessageStartingWith("bad cursor name 'a b': a name is");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "0", "-", "_x", "kafka.topic-1_v2", "x.",
            "1234567890123456789012345678901234567890123456789012345678901234"})
    void goodNames_areAccepted(String name) throws IOException {
        store().open(name, 0).close();
        assertThat(store().list()).extracting(CursorState::name).containsExactly(name);
    }

    @Test
    void aSecondOwnerInThisProcess_isRefusedAtOnce_andGetsInOnceTheFirstCloses() throws IOException {
        CursorStore store = store();
        CursorFile first = store.open("owned", 0);
        Path file = first.file();
        assertThatThrownBy(() -> store.open("owned", 0)).isInstanceOf(CursorLockedException.class)
                .hasMessageContaining("'owned'").hasMessageContaining(file.toString())
                .satisfies(e -> assertThat(((CursorLockedException) e).cursor()).isEqualTo("owned"));
        assertThatThrownBy(() -> CursorStore.of(dir, LOG_ID).open("owned", 0))
                .as("through another store object too").isInstanceOf(CursorLockedException.class);
        first.commit(64); // the refused opens took nothing from the owner
        first.close();
        try (CursorFile second = store.open("owned", 0)) {
            assertThat(second.position()).isEqualTo(64);
        }
    }

    @Test
    void close_isIdempotent_andUseAfterCloseIsAClosedLogException() throws IOException {
        CursorFile cursor = store().open("closing", 0);
        cursor.close();
        cursor.close();
        assertThatThrownBy(() -> cursor.commit(8)).isInstanceOf(ClosedLogException.class)
                .hasMessageContaining("'closing'").hasMessageContaining("is closed");
        assertThatThrownBy(() -> cursor.move(8)).isInstanceOf(ClosedLogException.class)
                .hasMessageContaining("'closing'").hasMessageContaining("is closed");
        assertThatThrownBy(cursor::position).isInstanceOf(ClosedLogException.class);
        assertThatThrownBy(cursor::lastCommitMillis).isInstanceOf(ClosedLogException.class);
        assertThat(cursor.name()).isEqualTo("closing");
    }

    @Test
    void list_givesEveryCursorInNameOrder_withoutTakingOwnership_andSkipsOtherFiles() throws IOException {
        CursorStore store = store();
        assertThat(store.list()).as("no cursors directory yet").isEmpty();
        assertThat(store.read("none")).isEqualTo(Optional.empty());
        store.set("b", 16);
        store.set("a", 8);
        Files.write(store.directory().resolve(".c.cursor.1f.creating"), new byte[10]);
        Files.write(store.directory().resolve("notes.txt"), new byte[10]);
        try (CursorFile owned = store.open("c", 24)) {
            List<CursorState> cursors = store.list();
            assertThat(cursors).extracting(CursorState::name).containsExactly("a", "b", "c");
            assertThat(cursors).extracting(CursorState::position).containsExactly(8L, 16L, 24L);
            owned.commit(32); // listing took no lock
            assertThat(store.read("c")).get().extracting(CursorState::position).isEqualTo(32L);
        }
    }

    @Test
    void deleteAndSet_areRefusedWhileOwned_andWorkOnceTheOwnerIsGone() throws IOException {
        CursorStore store = store();
        try (CursorFile owned = store.open("admin", 80)) {
            assertThatThrownBy(() -> store.delete("admin")).isInstanceOf(CursorLockedException.class)
                    .hasMessageContaining("'admin'");
            assertThatThrownBy(() -> store.set("admin", 8)).isInstanceOf(CursorLockedException.class);
            assertThat(owned.position()).isEqualTo(80);
            owned.commit(88); // still the owner
        }
        assertThat(store.read("admin")).get().extracting(CursorState::position).isEqualTo(88L);
        store.set("admin", 8);
        assertThat(store.read("admin")).get().extracting(CursorState::position).isEqualTo(8L);
        assertThat(store.delete("admin")).isTrue();
        assertThat(store.delete("admin")).isFalse();
        assertThat(store.read("admin")).isEmpty();
        assertThat(store.list()).isEmpty();
        try (CursorFile again = store.open("admin", 40)) {
            assertThat(again.position()).as("a deleted cursor starts over").isEqualTo(40);
        }
    }

    @Test
    void set_createsAnAbsentCursor() throws IOException {
        store().set("new", 4096);
        assertThat(store().read("new")).get().extracting(CursorState::position).isEqualTo(4096L);
    }

    @Test
    void aCursorOfAnotherLog_isRefusedAsNotBelongingToThisLog() throws IOException {
        CursorStore.of(dir, 42).open("foreign", 8).close();
        CursorStore store = store();
        String why = "belongs to another log: log id=0x2a expected=0x" + Long.toHexString(LOG_ID);
        assertThatThrownBy(() -> store.open("foreign", 0)).isInstanceOf(GrowLogException.class)
                .hasMessageContaining(why).hasMessageContaining("foreign.cursor");
        assertThatThrownBy(() -> store.read("foreign")).isInstanceOf(GrowLogException.class).hasMessageContaining(why);
        assertThatThrownBy(store::list).isInstanceOf(GrowLogException.class).hasMessageContaining(why);
        assertThatThrownBy(() -> store.delete("foreign")).isInstanceOf(GrowLogException.class)
                .hasMessageContaining(why);
        assertThatThrownBy(() -> store.set("foreign", 0)).isInstanceOf(GrowLogException.class)
                .hasMessageContaining(why);
        assertThat(CursorStore.of(dir, 42).read("foreign")).get().extracting(CursorState::position)
                .as("left as it was").isEqualTo(8L);
        try (CursorFile cursor = CursorStore.of(dir, 42).open("foreign", 0)) {
            assertThat(cursor.position()).as("the refused opens released the lock").isEqualTo(8);
        }
    }

    @Test
    void aDamagedCursorFile_isACorruptLogExceptionNamingIt() throws IOException {
        CursorStore store = store();
        store.set("damaged", 8);
        Path file = store.file("damaged");
        StateFileTest.garble(file, 0);
        StateFileTest.garble(file, StateFile.SLOT_SIZE);
        assertThatThrownBy(() -> store.read("damaged")).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(file.toString());
        assertThatThrownBy(() -> store.open("damaged", 0)).isInstanceOf(CorruptLogException.class);
    }

    /** A cursor file whose state is not a cursor's 24 bytes: the exception points at the latest slot's payload. */
    @Test
    void aCursorFileWithAPayloadOfTheWrongLength_isCorrupt_atItsLatestSlotsPayload() throws IOException {
        CursorStore store = store();
        Files.createDirectories(store.directory());
        Path file = store.file("short");
        assertThat(StateFile.create(file, new byte[8], Syscalls.libc())).isTrue();
        assertThatThrownBy(() -> store.read("short")).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("cursor payload length=8 expected=24")
                .satisfies(e -> assertThat(((CorruptLogException) e).position()) // sequence 1: slot 1
                        .isEqualTo(StateFile.SLOT_SIZE + StateFile.HEADER_SIZE));
        try (StateFile state = StateFile.openExclusive(file, Syscalls.libc())) {
            state.write(new byte[16]); // sequence 2: slot 0
        }
        assertThatThrownBy(() -> store.read("short")).isInstanceOf(CorruptLogException.class)
                .satisfies(e -> assertThat(((CorruptLogException) e).position()).isEqualTo(StateFile.HEADER_SIZE));
    }
}
