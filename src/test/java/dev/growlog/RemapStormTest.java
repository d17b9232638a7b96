package dev.growlog;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reader threads of every kind hammer a log while one writer grows it through many forced
 * moves (no headroom): no crash, and every record read equals what was written.
 */
class RemapStormTest {
    @TempDir
    Path dir;

    @Test
    void readersOfEveryKind_whileTheMappingMovesAgainAndAgain_readOnlyWhatWasWritten() throws Exception {
        StormResult result = storm(dir.resolve("storm.glog"), 30_000, 2);
        assertThat(result.moves).as("moves").isGreaterThan(20);
        assertThat(result.checked).as("records checked by readers").isGreaterThan(30_000);
    }

    @Test
    @Tag("stress")
    void longStorm() throws Exception {
        StormResult result = storm(dir.resolve("storm-long.glog"), 1_000_000, 3);
        assertThat(result.moves).isGreaterThan(200);
    }

    record StormResult(long moves, long checked) {
    }

    /** Payload of record {@code i}: its index, then bytes derived from it, of a varying length. */
    static byte[] payload(long i) {
        int length = 8 + (int) ((i * 7919) % 3000);
        byte[] bytes = new byte[length];
        ByteBuffer.wrap(bytes).putLong(i);
        for (int k = 8; k < length; k++) {
            bytes[k] = (byte) (i * 31 + k);
        }
        return bytes;
    }

    static void check(long position, ByteBuffer payload, ConcurrentHashMap<Long, Long> indexByPosition) {
        long i = payload.getLong(payload.position());
        byte[] expected = payload(i);
        byte[] actual = new byte[payload.remaining()];
        payload.duplicate().get(actual);
        if (!java.util.Arrays.equals(expected, actual)) {
            throw new AssertionError("record at " + position + " is not record " + i + " as written");
        }
        Long written = indexByPosition.get(position);
        if (written != null && written != i) {
            throw new AssertionError("record at " + position + " was written as " + written + ", read as " + i);
        }
    }

    static StormResult storm(Path file, int records, int threadsPerKind) throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(256 * 1024).initialSize(64 * 1024)
                .maxGrowthStep(64 * 1024).headroom(0).pretouchAhead(128 * 1024).build();
        ConcurrentHashMap<Long, Long> indexByPosition = new ConcurrentHashMap<>();
        List<Long> positions = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong checked = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (GrowLog log = GrowLog.open(file, config)) {
            long start = log.startPosition();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < threadsPerKind; t++) {
                long seed = 1000 + t;
                threads.add(reader("random-" + t, failure, () -> {
                    Random random = new Random(seed);
                    while (!done.get()) {
                        int n = positions.size();
                        if (n == 0) {
                            continue;
                        }
                        long position = positions.get(random.nextInt(n));
                        check(position, ByteBuffer.wrap(log.read(position)), indexByPosition);
                        checked.incrementAndGet();
                    }
                }));
                threads.add(reader("iterator-" + t, failure, () -> {
                    while (!done.get()) {
                        try (LogReader reader = log.reader(start)) {
                            while (reader.next() && !done.get()) {
                                check(reader.position(), reader.payload(), indexByPosition);
                                checked.incrementAndGet();
                            }
                        }
                    }
                }));
                threads.add(reader("zero-copy-" + t, failure, () -> {
                    while (!done.get()) {
                        try (LogReader reader = log.reader(start)) {
                            checked.addAndGet(reader.forEach((position, payload) ->
                                    check(position, payload, indexByPosition)));
                        }
                    }
                }));
                threads.add(reader("tailer-" + t, failure, () -> {
                    long expected = 0;
                    try (Tailer tailer = log.tailer(start)) {
                        while (expected < records) {
                            if (!tailer.poll(10, TimeUnit.SECONDS)) {
                                throw new AssertionError("tailer starved at record " + expected);
                            }
                            check(tailer.position(), tailer.payload(), indexByPosition);
                            assertThat(tailer.payload().getLong(0)).isEqualTo(expected);
                            expected++;
                            checked.incrementAndGet();
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (long i = 0; i < records && failure.get() == null; i++) {
                long position = log.append(payload(i));
                indexByPosition.put(position, i);
                positions.add(position);
            }
            for (Thread thread : threads) {
                if (thread.getName().startsWith("tailer")) {
                    thread.join(TimeUnit.SECONDS.toMillis(60));
                }
            }
            done.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            if (failure.get() != null) {
                throw new AssertionError("a reader failed", failure.get());
            }
            GrowLogStats stats = log.stats();
            System.out.println("storm: " + stats + ", checked=" + checked.get());
            assertThat(stats.records()).isEqualTo(records);
            return new StormResult(stats.moves(), checked.get());
        }
    }

    interface Body {
        void run() throws Exception;
    }

    static Thread reader(String name, AtomicReference<Throwable> failure, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        thread.setDaemon(true);
        return thread;
    }
}
