package dev.growlog.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoppableInputTest {
    @TempDir
    Path dir;

    /** Hands out its bytes in small reads of random length, as a pipe may. */
    private static final class Trickle extends InputStream {
        private final ByteArrayInputStream bytes;
        private final Random random;

        Trickle(byte[] bytes, long seed) {
            this.bytes = new ByteArrayInputStream(bytes);
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            return bytes.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return bytes.read(b, off, Math.min(len, 1 + random.nextInt(100_000)));
        }
    }

    private Context context(InputStream stdin) {
        return Cli.in(dir).stdin(stdin).context(new ByteArrayOutputStream(), new StringWriter());
    }

    @Test
    void stdin_deliversEveryByteInOrder_acrossManyChunks() throws IOException {
        long seed = System.nanoTime();
        byte[] bytes = new byte[3_000_000];
        new Random(seed).nextBytes(bytes);
        InputStream in = StoppableInput.stdin(context(new Trickle(bytes, seed)));

        ByteArrayOutputStream read = new ByteArrayOutputStream();
        Random sizes = new Random(seed);
        byte[] buffer = new byte[70_000];
        for (int n; (n = in.read(buffer, 0, 1 + sizes.nextInt(buffer.length))) >= 0; ) {
            read.write(buffer, 0, n);
        }

        assertThat(read.toByteArray()).as("seed " + seed).isEqualTo(bytes);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stdin_whenStopped_endsAReadThatWaits() throws Exception {
        StalledInput quiet = new StalledInput("abc".getBytes(StandardCharsets.UTF_8));
        try {
            Context context = context(quiet);
            InputStream in = StoppableInput.stdin(context);
            assertThat(in.read(new byte[10], 0, 10)).isEqualTo(3);
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.read(new byte[10], 0, 10);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            context.requestStop();

            assertThat(waiting).failsWithin(Duration.ofSeconds(Await.PATIENCE_SECONDS))
                    .withThrowableOfType(ExecutionException.class)
                    .havingRootCause().isInstanceOf(InputStoppedException.class);
        } finally {
            quiet.release();
        }
    }

    @Test
    void file_whenStopped_isNotReadFurther() throws IOException {
        Context context = context(InputStream.nullInputStream());
        InputStream in = StoppableInput.of(new ByteArrayInputStream(new byte[] {1, 2, 3}), context);
        assertThat(in.read()).isEqualTo(1);

        context.requestStop();

        assertThatThrownBy(in::read).isInstanceOf(InputStoppedException.class);
    }
}
