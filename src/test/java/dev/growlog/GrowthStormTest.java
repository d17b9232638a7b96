package dev.growlog;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reader threads hammer the log, by position and by scanning, while the writer grows it through
 * many moves of the mapping (no headroom). A thread reading through a moved mapping would crash
 * the JVM; a stale view would return a wrong record. Neither may happen. A read-only log in the
 * same process follows along with readers of its own, so its mapping moves under them too.
 *
 * <p>The default build runs a short storm; {@code mvn -Pstress test} runs a long one.
 */
@ExtendWith(Seeded.class)
class GrowthStormTest {
    private static final int MAX_RECORDS = 4_000_000;
    private static final int MIN_GROWTHS = 30;
    /** Without headroom the kernel still grows most mappings in place here; a tenth or so move. */
    private static final int MIN_MOVES = 8;
    private static final long HEADROOM = 64L << 30;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void readersDuringManyMoves_neverSeeAWrongRecord_short(Random random) throws Exception {
        storm(0, Duration.ofMillis(1500), random);
    }

    @Test
    @Timeout(60)
    void readersDuringManyGrowthsInPlace_neverSeeAWrongRecord_short(Random random) throws Exception {
        storm(HEADROOM, Duration.ofMillis(1500), random);
    }

    @Test
    @Tag("stress")
    @Timeout(600)
    void readersDuringManyMoves_neverSeeAWrongRecord_long(Random random) throws Exception {
        storm(0, Duration.ofSeconds(60), random);
    }

    @Test
    @Tag("stress")
    @Timeout(600)
    void readersDuringManyGrowthsInPlace_neverSeeAWrongRecord_long(Random random) throws Exception {
        storm(HEADROOM, Duration.ofSeconds(60), random);
    }

    /**
     * Appends for at least {@code duration}, and until the mapping has grown {@link #MIN_GROWTHS}
     * times in place or moved {@link #MIN_MOVES} times without headroom, while the readers run.
     */
    private void storm(long headroom, Duration duration, Random random) throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192)
                .maxGrowthStep(64 * 1024).headroom(headroom).build();
        Path file = dir.resolve("storm.glog");
        AtomicLongArray positions = new AtomicLongArray(MAX_RECORDS);
        long[] published = new long[1];
        Object lock = new Object();
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        long seed = random.nextLong();

        try (GrowLog log = GrowLog.open(file, config); GrowLog follower = GrowLog.openReadOnly(file, config)) {
            List<Thread> readers = new ArrayList<>();
            boolean[] done = new boolean[1];
            for (GrowLog target : List.of(log, follower)) {
                String kind = target.isReadOnly() ? "follower" : "writer's log";
                readers.add(thread(kind + " random reads", failures, () -> {
                    Random own = new Random(seed ^ kind.hashCode());
                    while (!isDone(lock, done)) {
                        long count = count(lock, published);
                        if (count == 0) {
                            continue;
                        }
                        int index = own.nextInt((int) count);
                        byte[] payload = target.read(positions.get(index));
                        assertThat(Payloads.numberOf(payload)).as("record at %d", positions.get(index))
                                .isEqualTo(index);
                    }
                }));
                readers.add(thread(kind + " scan", failures, () -> {
                    int expected = 0;
                    try (LogReader reader = target.reader(target.startPosition())) {
                        while (true) {
                            boolean finished = isDone(lock, done);
                            while (reader.next()) {
                                assertThat(Payloads.numberOf(reader.bytes())).isEqualTo(expected);
                                // A reader may see a record before its append has returned.
                                long known = positions.get(expected);
                                if (known != 0) {
                                    assertThat(reader.position()).isEqualTo(known);
                                }
                                expected++;
                            }
                            if (finished) {
                                break;
                            }
                        }
                    }
                    assertThat((long) expected).as("records scanned").isEqualTo(count(lock, published));
                }));
            }
            readers.forEach(Thread::start);

            Random own = new Random(seed);
            long deadline = System.nanoTime() + duration.toNanos();
            int n = 0;
            boolean enough = false;
            while (!enough && n < MAX_RECORDS && failures.isEmpty()) {
                positions.set(n, log.append(Payloads.numbered(n, 8 + own.nextInt(2000))));
                n++;
                synchronized (lock) {
                    published[0] = n;
                }
                if (n % 256 == 0 && System.nanoTime() > deadline) {
                    GrowLogStats stats = log.stats();
                    enough = headroom == 0 ? stats.moves() >= MIN_MOVES : stats.inPlaceGrowths() >= MIN_GROWTHS;
                }
            }
            synchronized (lock) {
                done[0] = true;
            }
            for (Thread reader : readers) {
                reader.join(Duration.ofSeconds(60).toMillis());
                assertThat(reader.isAlive()).as("%s finished", reader.getName()).isFalse();
            }
            assertThat(failures).isEmpty();
            GrowLogStats stats = log.stats();
            if (headroom == 0) {
                assertThat(stats.moves()).as("moves of the writer's mapping").isGreaterThanOrEqualTo(MIN_MOVES);
            } else {
                assertThat(stats.inPlaceGrowths()).as("growths in place").isGreaterThanOrEqualTo(MIN_GROWTHS);
            }
            assertThat(stats.records()).isEqualTo(n);
            assertThat(follower.stats().records()).isEqualTo(n);
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(String name, Map<String, Throwable> failures, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.put(name, e);
            }
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    private static boolean isDone(Object lock, boolean[] done) {
        synchronized (lock) {
            return done[0];
        }
    }

    private static long count(Object lock, long[] published) {
        synchronized (lock) {
            return published[0];
        }
    }
}
