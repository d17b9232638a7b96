package dev.growlog.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The shutdown hook's side of a stop; the jar's integration tests send it real signals. */
class StopOnSignalTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void hook_asksTheCommandToStop_andReturnsOnlyOnceTheCommandHasFinished() throws Exception {
        Context context = Cli.in(dir).context(new ByteArrayOutputStream(), new StringWriter());
        StopOnSignal stop = new StopOnSignal(context, TimeUnit.SECONDS.toMillis(Await.PATIENCE_SECONDS));
        CompletableFuture<Boolean> hook = CompletableFuture.supplyAsync(stop::onShutdown);
        Await.until("the hook requested a stop", context::stopRequested);

        assertThat(hook).as("the hook waits while the command has not finished").isNotDone();
        stop.finished();

        assertThat(hook).succeedsWithin(Duration.ofSeconds(Await.PATIENCE_SECONDS)).isEqualTo(true);
    }

    @Test
    void hook_afterTheCommandFinished_returnsAtOnce() {
        Context context = Cli.in(dir).context(new ByteArrayOutputStream(), new StringWriter());
        StopOnSignal stop = new StopOnSignal(context, TimeUnit.SECONDS.toMillis(Await.PATIENCE_SECONDS));
        stop.finished();

        assertThat(stop.onShutdown()).isTrue();
    }

    @Test
    void hook_givesUpAfterItsLimit_andSaysSo() {
        StringWriter err = new StringWriter();
        Context context = Cli.in(dir).context(new ByteArrayOutputStream(), err);
        StopOnSignal stop = new StopOnSignal(context, 1);

        assertThat(stop.onShutdown()).isFalse();
        assertThat(err.toString()).startsWith("growlog: still stopping after 0.001 s; exiting without waiting longer");
    }
}
