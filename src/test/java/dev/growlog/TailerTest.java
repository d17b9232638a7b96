package dev.growlog;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class TailerTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void poll_whenCaughtUp_waitsForTheNextAppendAndReturnsIt() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("a.glog")); Tailer tailer = log.tailer(log.endPosition())) {
            assertThat(tailer.tryNext()).isFalse();
            assertThat(tailer.poll(1, TimeUnit.MILLISECONDS)).as("a poll that times out").isFalse();
            CompletableFuture<String> next = new CompletableFuture<>();
            Thread poller = new Thread(() -> {
                try {
                    assertThat(tailer.poll(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                    next.complete(new String(tailer.bytes(), StandardCharsets.UTF_8));
                } catch (Throwable e) {
                    next.completeExceptionally(e);
                }
            }, "poller");
            poller.start();
            Await.waitingIn(poller, GrowLog.class, "awaitAppend"); // it waits, so the append must wake it
            long position = log.append(bytes("late"));
            assertThat(next.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("late");
            assertThat(tailer.position()).isEqualTo(position);
        }
    }

    @Test
    void take_whenTheLogCloses_wakesWithClosedLogException() throws Exception {
        GrowLog log = GrowLog.open(dir.resolve("b.glog"));
        Tailer tailer = log.tailer(log.endPosition());
        CompletableFuture<Void> take = new CompletableFuture<>();
        Thread taker = takeOn(tailer, take);
        Await.waitingIn(taker, GrowLog.class, "awaitAppend"); // close must wake a waiting take
        log.close();
        assertThatThrownBy(() -> take.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(ClosedLogException.class);
    }

    @Test
    void readOnlyTake_whenItsLogCloses_wakesWithClosedLogException() throws Exception {
        Path file = dir.resolve("c.glog");
        try (GrowLog writer = GrowLog.open(file)) {
            writer.append(bytes("one"));
            GrowLog reader = GrowLog.openReadOnly(file);
            Tailer tailer = reader.tailer(reader.endPosition());
            CompletableFuture<Void> take = new CompletableFuture<>();
            Thread taker = takeOn(tailer, take);
            Await.waitingIn(taker, GrowLog.class, "awaitAppend");
            reader.close();
            assertThatThrownBy(() -> take.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(ClosedLogException.class);
        }
    }

    /** Starts a thread that takes the next record from {@code tailer}, completing {@code done}. */
    private static Thread takeOn(Tailer tailer, CompletableFuture<Void> done) {
        Thread thread = new Thread(() -> {
            try {
                tailer.take();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "taker");
        thread.start();
        return thread;
    }

    @Test
    void tailer_fromTheMiddle_returnsEveryLaterRecordOnceInOrder() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("d.glog"))) {
            List<Long> positions = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                positions.add(log.append(bytes("r" + i)));
            }
            try (Tailer tailer = log.tailer(positions.get(40))) {
                for (int i = 40; i < 100; i++) {
                    assertThat(tailer.poll(1, TimeUnit.SECONDS)).isTrue();
                    assertThat(tailer.position()).isEqualTo(positions.get(i));
                    assertThat(tailer.bytes()).isEqualTo(bytes("r" + i));
                }
                assertThat(tailer.tryNext()).isFalse();
                log.append(bytes("r100"));
                assertThat(tailer.tryNext()).isTrue();
                assertThat(tailer.bytes()).isEqualTo(bytes("r100"));
            }
        }
    }

    @Test
    void take_returnsOnceForARecordThatIsThere_andAClosedTailerRefusesUse() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("take.glog"))) {
            long position = log.append(bytes("there"));
            Tailer tailer = log.tailer(log.startPosition());
            tailer.take();
            assertThat(tailer.position()).isEqualTo(position);
            assertThat(tailer.bytes()).isEqualTo(bytes("there"));
            tailer.close();
            log.append(bytes("later"));
            assertThatThrownBy(tailer::tryNext).isInstanceOf(ClosedLogException.class);
            assertThatThrownBy(tailer::position).isInstanceOf(ClosedLogException.class);
        }
    }

    @Test
    void tailer_atAPositionInsideARecord_isRejected() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("e.glog"))) {
            long position = log.append(new byte[100]);
            assertThatThrownBy(() -> log.tailer(position + 16)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no record starts at position " + (position + 16));
        }
    }

    /**
     * A crashed writer leaves an image whose checkpoint is the position of its first damaged
     * record: a read-only tailer takes that for a torn tail and waits, but damage before the
     * checkpoint, and damage a writer's own tailer meets, are corruption.
     */
    @Test
    void tailer_atDamage_waitsOnlyWhenReadOnlyAndAtOrPastTheCheckpoint() throws Exception {
        Path file = dir.resolve("live.glog");
        Path image = dir.resolve("crashed.glog");
        try (GrowLog log = GrowLog.open(file)) {
            long first = log.append(bytes("durable"));
            log.sync();
            long torn = log.append(bytes("appended, not durable"));
            assertThat(log.checkpointInFile()).isEqualTo(torn);
            LogFiles.copy(file, image);
            LogFiles.flipByte(file, torn + 8); // its payload, through the page cache the writer maps
            try (Tailer tailer = log.tailer(first)) {
                assertThat(tailer.tryNext()).isTrue();
                assertThatThrownBy(tailer::tryNext).isInstanceOf(CorruptLogException.class);
            }
            LogFiles.flipByte(file, torn + 8);

            LogFiles.flipByte(image, torn + 8);
            try (GrowLog readOnly = GrowLog.openReadOnly(image); Tailer tailer = readOnly.tailer(first)) {
                assertThat(tailer.tryNext()).isTrue();
                assertThat(tailer.position()).isEqualTo(first);
                assertThat(tailer.tryNext()).as("a torn tail at the checkpoint").isFalse();
                assertThat(tailer.poll(1, TimeUnit.MILLISECONDS)).isFalse();
            }
            LogFiles.flipByte(image, first + 8);
            try (GrowLog readOnly = GrowLog.openReadOnly(image); Tailer tailer = readOnly.tailer(first)) {
                assertThatThrownBy(tailer::tryNext).isInstanceOf(CorruptLogException.class)
                        .hasMessageContaining(Long.toString(first));
            }
        }
    }

    @Test
    void readOnlyTailer_inThisProcess_followsGrowthAndMovesOfTheWriter() throws Exception {
        Path file = dir.resolve("f.glog");
        GrowLogConfig tiny = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192)
                .maxGrowthStep(16 * 1024).headroom(0).pretouchAhead(0).build();
        try (GrowLog writer = GrowLog.open(file, tiny);
             GrowLog reader = GrowLog.openReadOnly(file, tiny);
             Tailer tailer = reader.tailer(reader.startPosition())) {
            for (int i = 0; i < 2000; i++) {
                writer.append(bytes("record " + i + " " + "x".repeat(i % 300)));
                if (i % 7 == 0) {
                    assertThat(tailer.poll(1, TimeUnit.SECONDS)).isTrue();
                }
            }
            int seen = 0;
            try (Tailer again = reader.tailer(reader.startPosition())) {
                while (again.poll(100, TimeUnit.MILLISECONDS)) {
                    assertThat(new String(again.bytes(), StandardCharsets.UTF_8))
                            .isEqualTo("record " + seen + " " + "x".repeat(seen % 300));
                    seen++;
                }
            }
            assertThat(seen).isEqualTo(2000);
            assertThat(reader.stats().growths()).as("reader followed the file").isPositive();
            assertThat(reader.stats().mappedSize()).isEqualTo(writer.stats().fileSize());
            assertThat(writer.stats().moves()).isGreaterThan(0);
        }
    }
}
