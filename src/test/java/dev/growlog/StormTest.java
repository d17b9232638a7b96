package dev.growlog;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers of every kind hammer a log while one writer grows it, through many moves of the
 * mapping (no headroom) or many growths in place (headroom): random reads by position, scans
 * that copy, zero-copy scans and tailers, on the writer's log and on a read-only log of the same
 * file in this process, whose mapping follows the file and moves under its own readers. A thread
 * reading through a moved mapping would crash the JVM; a stale view would return a wrong record.
 * Neither may happen: every record read is the one written at its position, and each scan and
 * tailer sees every record once, in order.
 *
 * <p>The default build runs a bounded storm; {@code mvn -Pstress test} runs long ones.
 */
@ExtendWith(Seeded.class)
class StormTest {
    private static final int MAX_RECORDS = 4_000_000;
    /** Without headroom the kernel still grows some mappings in place here; enough of them move. */
    private static final int MIN_MOVES = 10;
    private static final int MIN_GROWTHS = 30;
    private static final long HEADROOM = 64L << 30;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void readersOfEveryKind_whileTheMappingMovesAgainAndAgain_readOnlyWhatWasWritten(Random random)
            throws Exception {
        storm(0, 20_000, random);
    }

    @Test
    @Timeout(120)
    void readersOfEveryKind_whileTheMappingGrowsInPlace_readOnlyWhatWasWritten(Random random) throws Exception {
        storm(HEADROOM, 20_000, random);
    }

    @Test
    @Tag("stress")
    @Timeout(1800)
    void longStorm_withMoves(Random random) throws Exception {
        storm(0, 1_000_000, random);
    }

    @Test
    @Tag("stress")
    @Timeout(1800)
    void longStorm_inPlace(Random random) throws Exception {
        storm(HEADROOM, 1_000_000, random);
    }

    /**
     * Appends at least {@code minRecords}, and until the mapping has moved {@link #MIN_MOVES}
     * times (without headroom) or grown {@link #MIN_GROWTHS} times in place, while the readers run.
     */
    private void storm(long headroom, int minRecords, Random random) throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192)
                .maxGrowthStep(64 * 1024).headroom(headroom).pretouchAhead(128 * 1024).build();
        Path file = dir.resolve("storm.glog");
        AtomicLongArray positions = new AtomicLongArray(MAX_RECORDS);
        AtomicInteger published = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong checked = new AtomicLong();
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        long seed = random.nextLong();

        try (GrowLog log = GrowLog.open(file, config); GrowLog follower = GrowLog.openReadOnly(file, config)) {
            List<Thread> readers = new ArrayList<>();
            for (GrowLog target : List.of(log, follower)) {
                String side = target.isReadOnly() ? "follower" : "writer's log";
                Checker check = (index, position, payload) -> {
                    assertThat(Payloads.numberOf(payload)).as("%s: record at %d", side, position).isEqualTo(index);
                    long known = positions.get(index); // a reader may see a record before its append returned
                    if (known != 0) {
                        assertThat(position).as("%s: position of record %d", side, index).isEqualTo(known);
                    }
                    checked.incrementAndGet();
                };
                readers.add(thread(side + " random reads", failures, () -> {
                    Random own = new Random(seed ^ side.hashCode());
                    while (!done.get()) {
                        int count = published.get();
                        if (count > 0) {
                            int index = own.nextInt(count);
                            check.check(index, positions.get(index), target.read(positions.get(index)));
                        }
                    }
                }));
                readers.add(thread(side + " scan", failures, () -> {
                    while (!done.get()) {
                        int expected = 0;
                        try (LogReader reader = target.reader(target.startPosition())) {
                            while (reader.next() && !done.get()) {
                                check.check(expected++, reader.position(), reader.bytes());
                            }
                        }
                    }
                }));
                readers.add(thread(side + " zero-copy scan", failures, () -> {
                    while (!done.get()) {
                        int[] expected = {0};
                        try (LogReader reader = target.reader(target.startPosition())) {
                            reader.forEach((position, payload) -> check.check(expected[0]++, position, copy(payload)));
                        }
                    }
                }));
                readers.add(thread(side + " tailer", failures, () -> {
                    int expected = 0;
                    try (Tailer tailer = target.tailer(target.startPosition())) {
                        while (!done.get() || expected < published.get()) {
                            if (tailer.poll(10, TimeUnit.MILLISECONDS)) {
                                check.check(expected++, tailer.position(), tailer.bytes());
                            }
                        }
                    }
                    assertThat(expected).as("%s: records the tailer saw", side).isEqualTo(published.get());
                }));
            }
            readers.forEach(Thread::start);

            Random own = new Random(seed);
            int n = 0;
            boolean enough = false;
            while (!enough && n < MAX_RECORDS && failures.isEmpty()) {
                positions.set(n, log.append(Payloads.numbered(n, 8 + own.nextInt(2000))));
                published.set(++n);
                if (n % 256 == 0 && n >= minRecords) {
                    GrowLogStats stats = log.stats();
                    enough = headroom == 0 ? stats.moves() >= MIN_MOVES : stats.inPlaceGrowths() >= MIN_GROWTHS;
                }
            }
            done.set(true);
            for (Thread reader : readers) {
                reader.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(reader.isAlive()).as("%s ended", reader.getName()).isFalse();
            }
            assertThat(failures).isEmpty();
            GrowLogStats stats = log.stats();
            System.out.println("storm: " + stats + ", records checked by readers=" + checked.get());
            if (headroom == 0) {
                assertThat(stats.moves()).as("moves of the writer's mapping").isGreaterThanOrEqualTo(MIN_MOVES);
            } else {
                assertThat(stats.inPlaceGrowths()).as("growths in place").isGreaterThanOrEqualTo(MIN_GROWTHS);
            }
            assertThat(stats.records()).isEqualTo(n);
            assertThat(follower.stats().records()).isEqualTo(n);
            assertThat(checked.get()).as("records checked by readers").isGreaterThan(n);
        }
    }

    private static byte[] copy(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return bytes;
    }

    private interface Checker {
        void check(int index, long position, byte[] payload);
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
}
