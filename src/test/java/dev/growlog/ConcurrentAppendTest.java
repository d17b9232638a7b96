package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appends from several threads are serialised: each gets its own position and lands intact,
 * none is lost or duplicated, even while the mapping grows and moves under them.
 */
@ExtendWith(Seeded.class)
class ConcurrentAppendTest {
    private static final int THREADS = 4;
    private static final int PER_THREAD = 2500;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void appendsFromSeveralThreads_allLandIntact_atUniquePositions(Random random) throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192)
                .maxGrowthStep(64 * 1024).headroom(0).build();
        Path file = dir.resolve("threads.glog");
        long seed = random.nextLong();
        Map<Long, Integer> written = new ConcurrentHashMap<>();
        try (GrowLog log = GrowLog.open(file, config)) {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<List<Long>>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        Random own = new Random(seed + thread);
                        List<Long> mine = new ArrayList<>();
                        start.await();
                        for (int i = 0; i < PER_THREAD; i++) {
                            int number = thread * PER_THREAD + i;
                            byte[] payload = Payloads.numbered(number, 8 + own.nextInt(600));
                            long position = (i % 2 == 0) ? log.append(payload) : log.append(ByteBuffer.wrap(payload));
                            mine.add(position);
                            written.put(position, number);
                            if (i % 50 == 0) {
                                // Read an earlier record while the others append and move the mapping.
                                long other = mine.get(own.nextInt(mine.size()));
                                assertThat(Payloads.numberOf(log.read(other))).isEqualTo(written.get(other));
                            }
                        }
                        return mine;
                    }));
                }
                Set<Long> all = new HashSet<>();
                for (Future<List<Long>> result : results) {
                    List<Long> mine = result.get(60, TimeUnit.SECONDS);
                    assertThat(mine).as("one thread's positions grow in its own order").isSorted();
                    all.addAll(mine);
                }
                assertThat(all).as("distinct positions").hasSize(THREADS * PER_THREAD);
            } finally {
                pool.shutdownNow();
            }

            GrowLogStats stats = log.stats();
            assertThat(stats.records()).isEqualTo(THREADS * PER_THREAD);
            assertThat(stats.moves()).as("the mapping moved while threads appended").isPositive();
            assertEveryRecordOnce(log, written);
        }
        try (GrowLog log = GrowLog.open(file, config)) {
            assertThat(log.stats().records()).isEqualTo(THREADS * PER_THREAD);
            assertEveryRecordOnce(log, written);
        }
    }

    /** A full scan finds each written record exactly once, at its position, intact. */
    private static void assertEveryRecordOnce(GrowLog log, Map<Long, Integer> written) throws IOException {
        Set<Integer> numbers = new HashSet<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                int number = Payloads.numberOf(reader.bytes());
                assertThat(written.get(reader.position())).as("record at %d", reader.position()).isEqualTo(number);
                assertThat(numbers.add(number)).as("record %d seen once", number).isTrue();
            }
        }
        assertThat(numbers).hasSize(written.size());
        for (Map.Entry<Long, Integer> e : written.entrySet()) {
            assertThat(Payloads.numberOf(log.read(e.getKey()))).isEqualTo(e.getValue());
        }
    }
}
