package dev.growlog;

import dev.growlog.error.CursorLockedException;
import dev.growlog.internal.chain.CursorFile;
import dev.growlog.internal.chain.CursorState;
import dev.growlog.internal.chain.CursorStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One owner per cursor across processes: {@code flock} on the cursor file, refused at once. */
class CursorCrossProcessTest {
    private static final long LOG_ID = 0x600DL;
    private static final Duration WAIT = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    private ChildJvm owner(String name) throws Exception {
        return ChildJvm.start(CursorChild.class, "own", dir.toString(), Long.toString(LOG_ID), name);
    }

    @Test
    void anOwnerInAnotherJvm_refusesThisProcessAtOnce_andLetsItInOnceItCloses() throws Exception {
        CursorStore store = CursorStore.of(dir, LOG_ID);
        try (ChildJvm child = owner("shared")) {
            assertThat(child.nextLine(WAIT)).isEqualTo("owned 0");
            child.send("commit 4096");
            assertThat(child.nextLine(WAIT)).isEqualTo("committed 4096");

            assertThatThrownBy(() -> store.open("shared", 0)).isInstanceOf(CursorLockedException.class)
                    .hasMessageContaining("'shared'").hasMessageContaining("shared.cursor");
            assertThatThrownBy(() -> store.set("shared", 0)).isInstanceOf(CursorLockedException.class);
            assertThatThrownBy(() -> store.delete("shared")).isInstanceOf(CursorLockedException.class);
            assertThat(store.list()).extracting(CursorState::position).as("readers need no ownership")
                    .containsExactly(4096L);

            child.send("commit 8192");
            assertThat(child.nextLine(WAIT)).as("the refusals took nothing from the owner").isEqualTo("committed 8192");
            child.send("close");
            assertThat(child.nextLine(WAIT)).isEqualTo("closed");
            try (CursorFile cursor = store.open("shared", 0)) {
                assertThat(cursor.position()).isEqualTo(8192);
            }
            child.send("exit");
            assertThat(child.waitFor(WAIT)).isZero();
        }
    }

    @Test
    void anOwnerInThisJvm_refusesAnotherJvmAtOnce() throws Exception {
        CursorStore store = CursorStore.of(dir, LOG_ID);
        try (CursorFile cursor = store.open("mine", 64)) {
            try (ChildJvm child = owner("mine")) {
                assertThat(child.nextLine(WAIT)).startsWith("locked cursor 'mine' is owned by another holder")
                        .contains(cursor.file().toString());
                assertThat(child.waitFor(WAIT)).isZero();
            }
            cursor.commit(128);
        }
        try (ChildJvm child = owner("mine")) {
            assertThat(child.nextLine(WAIT)).as("once closed, another JVM gets in").isEqualTo("owned 128");
            child.send("exit");
            assertThat(child.waitFor(WAIT)).isZero();
        }
    }

    @Test
    void anOwnerKilledWithSigkill_leavesTheCursorFreeWithItsLastCommit() throws Exception {
        try (ChildJvm child = owner("killed")) {
            assertThat(child.nextLine(WAIT)).isEqualTo("owned 0");
            child.send("commit 808");
            assertThat(child.nextLine(WAIT)).isEqualTo("committed 808");
            child.kill();
        }
        try (CursorFile cursor = CursorStore.of(dir, LOG_ID).open("killed", 0)) {
            assertThat(cursor.position()).isEqualTo(808);
        }
    }
}
