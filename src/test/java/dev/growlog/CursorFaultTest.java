package dev.growlog;

import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.chain.CursorFile;
import dev.growlog.internal.chain.CursorState;
import dev.growlog.internal.chain.CursorStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Failing native calls under the cursor store, injected through a {@link ForwardingSyscalls}. */
class CursorFaultTest {
    private static final long LOG_ID = 7;

    @TempDir
    Path dir;

    /** Fails the next pwrite or fdatasync with the armed errno, once. */
    private static final class FailingSyscalls extends ForwardingSyscalls {
        String failPwrite;
        String failFdatasync;
        int pwrites;

        @Override
        public void pwrite(Path file, int fd, ByteBuffer buffer, long offset) throws NativeCallException {
            pwrites++;
            if (failPwrite != null) {
                String errno = failPwrite;
                failPwrite = null;
                throw failure(file, "pwrite", errno.equals("ENOSPC") ? 28 : 5, errno, "injected");
            }
            super.pwrite(file, fd, buffer, offset);
        }

        @Override
        public void fdatasync(Path file, int fd) throws NativeCallException {
            if (failFdatasync != null) {
                String errno = failFdatasync;
                failFdatasync = null;
                throw failure(file, "fdatasync", errno.equals("ENOSPC") ? 28 : 5, errno, "injected");
            }
            super.fdatasync(file, fd);
        }
    }

    private long stored(CursorStore store, String name) throws IOException {
        return store.read(name).map(CursorState::position).orElseThrow();
    }

    @Test
    void commit_whenFdatasyncFails_isANativeCallException_andThePreviousPositionIsReadBack() throws IOException {
        FailingSyscalls sys = new FailingSyscalls();
        CursorStore store = CursorStore.of(dir, LOG_ID, sys);
        try (CursorFile cursor = store.open("c", 0)) {
            cursor.commit(64);
            sys.failFdatasync = "EIO";
            assertThatThrownBy(() -> cursor.commit(128)).isInstanceOf(NativeCallException.class)
                    .hasMessageContaining("fdatasync").hasMessageContaining("EIO")
                    .hasMessageContaining(cursor.file().toString());
            assertThat(cursor.position()).isEqualTo(64);
            assertThat(stored(store, "c")).as("a reader sees the previous position").isEqualTo(64);
            cursor.commit(192); // the next commit goes through
            assertThat(stored(store, "c")).isEqualTo(192);
        }
        try (CursorFile reopened = store.open("c", 0)) {
            assertThat(reopened.position()).isEqualTo(192);
        }
    }

    @Test
    void commit_whenPwriteFailsWithNoSpace_isALogFullException_andThePreviousPositionIsReadBack()
            throws IOException {
        FailingSyscalls sys = new FailingSyscalls();
        CursorStore store = CursorStore.of(dir, LOG_ID, sys);
        try (CursorFile cursor = store.open("c", 8)) {
            sys.failPwrite = "ENOSPC";
            assertThatThrownBy(() -> cursor.move(800)).isInstanceOf(LogFullException.class)
                    .hasMessageContaining("no space").hasMessageContaining(cursor.file().toString())
                    .hasCauseInstanceOf(NativeCallException.class);
            assertThat(cursor.position()).isEqualTo(8);
            assertThat(stored(store, "c")).isEqualTo(8);
            sys.failPwrite = "EIO";
            assertThatThrownBy(() -> cursor.commit(16)).isInstanceOf(NativeCallException.class)
                    .hasMessageContaining("pwrite").hasMessageContaining("EIO");
            assertThat(stored(store, "c")).isEqualTo(8);
        }
    }

    @Test
    void open_whenCreatingTheFileHitsNoSpace_isALogFullException_andLeavesNoFile() throws IOException {
        FailingSyscalls sys = new FailingSyscalls();
        CursorStore store = CursorStore.of(dir, LOG_ID, sys);
        sys.failFdatasync = "ENOSPC";
        assertThatThrownBy(() -> store.open("new", 0)).isInstanceOf(LogFullException.class)
                .hasMessageContaining("new.cursor");
        try (Stream<Path> files = Files.list(store.directory())) {
            assertThat(files).as("neither the cursor nor its temporary file").isEmpty();
        }
        assertThat(store.read("new")).isEmpty();
    }

    /**
     * An owner that removed the cursor while this open waited between its open and its lock:
     * the lock then comes with a file that has no name, and the open must start over rather
     * than own a file that nobody can read.
     */
    @Test
    void open_racingADelete_ownsTheFileThatHasTheName() throws IOException {
        CursorStore.of(dir, LOG_ID).set("raced", 800);
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            private boolean raced;

            @Override
            public boolean tryLockExclusive(Path file, int fd) throws NativeCallException {
                if (!raced) {
                    raced = true;
                    try {
                        assertThat(CursorStore.of(dir, LOG_ID).delete("raced")).isTrue();
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
                return super.tryLockExclusive(file, fd);
            }
        };
        CursorStore store = CursorStore.of(dir, LOG_ID, sys);
        try (CursorFile cursor = store.open("raced", 8)) {
            assertThat(cursor.position()).as("made again after the delete").isEqualTo(8);
            cursor.commit(16);
            assertThat(stored(store, "raced")).as("the commit reached the named file").isEqualTo(16);
        }
    }
}
