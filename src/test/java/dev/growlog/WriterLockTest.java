package dev.growlog;

import dev.growlog.error.LogLockedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One writer per file. A second writer in the same process is refused at once, and the refusal
 * must not cost the first writer its lock (with {@code FileChannel} locks, closing the refused
 * open's channel would have released it). {@link CrossProcessTest} covers other processes.
 */
class WriterLockTest {
    @TempDir
    Path dir;

    @Test
    void open_whileAWriterInThisProcessHoldsTheLog_failsAtOnce_andTheFirstWriterKeepsTheLock() throws IOException {
        Path file = dir.resolve("locked.glog");
        try (GrowLog first = GrowLog.open(file)) {
            long a = first.append(bytes("before"));

            // It returns while the first writer still holds the lock: a refusal, not a wait for it.
            assertThatThrownBy(() -> GrowLog.open(file))
                    .isInstanceOf(LogLockedException.class)
                    .hasMessageContaining(file.getFileName().toString());

            // The refused opens released nothing of the first writer's: the lock still holds.
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> GrowLog.open(file, GrowLogConfig.defaults()))
                        .isInstanceOf(LogLockedException.class);
            }
            long b = first.append(bytes("after"));
            assertThat(first.read(a)).isEqualTo(bytes("before"));
            assertThat(first.read(b)).isEqualTo(bytes("after"));
        }
        try (GrowLog again = GrowLog.open(file)) {
            assertThat(again.stats().records()).isEqualTo(2);
        }
    }

    @Test
    void openReadOnly_whileAWriterHoldsTheLog_works_andTakesNoWriterLock() throws IOException {
        Path file = dir.resolve("shared.glog");
        try (GrowLog reader = GrowLog.openReadOnly(createWith(file, "one"))) {
            try (GrowLog writer = GrowLog.open(file)) {
                writer.append(bytes("two"));
                try (GrowLog second = GrowLog.openReadOnly(file)) {
                    assertThat(second.stats().records()).isEqualTo(2);
                }
                assertThat(reader.stats().records()).isEqualTo(2);
            }
        }
    }

    @Test
    void open_afterTheWriterClosed_succeeds() throws IOException {
        Path file = createWith(dir.resolve("reopen.glog"), "x");
        for (int i = 0; i < 3; i++) {
            try (GrowLog log = GrowLog.open(file)) {
                log.append(bytes("y"));
            }
        }
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.stats().records()).isEqualTo(4);
        }
    }

    private static Path createWith(Path file, String record) throws IOException {
        try (GrowLog log = GrowLog.open(file)) {
            log.append(bytes(record));
        }
        return file;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
