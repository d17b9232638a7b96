package dev.growlog;

import dev.growlog.error.NativeCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A read-only log maps the file itself and follows a writer: it sees what was written before it
 * opened and what is appended after, across growths of the file, and refuses to write.
 */
@ExtendWith(Seeded.class)
class ReadOnlyLogTest {
    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "headroom {0}")
    @ValueSource(longs = {0, 64L << 30})
    void openReadOnly_followsAWriterInThisProcess_acrossGrowths(long headroom, Random random) throws IOException {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(8192)
                .maxGrowthStep(SEGMENT).headroom(headroom).build();
        Path file = dir.resolve("followed.glog");
        List<byte[]> payloads = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        try (GrowLog writer = GrowLog.open(file, config)) {
            appendSome(writer, 50, random, payloads, positions);
            try (GrowLog follower = GrowLog.openReadOnly(file, config)) {
                assertThat(follower.isReadOnly()).isTrue();
                assertThat(follower.endPosition()).isEqualTo(writer.endPosition());
                assertThat(follower.stats().records()).isEqualTo(50);
                LogReader tail = follower.reader(follower.startPosition());
                int seen = readOn(tail, payloads, positions, 0);
                assertThat(seen).isEqualTo(50);
                long mappedAtOpen = follower.stats().mappedSize();

                for (int round = 0; round < 5; round++) {
                    long before = follower.endPosition();
                    appendSome(writer, 60, random, payloads, positions);
                    assertThat(follower.endPosition()).isGreaterThan(before).isEqualTo(writer.endPosition());
                    seen = readOn(tail, payloads, positions, seen);
                    assertThat(seen).isEqualTo(payloads.size());
                    int newest = payloads.size() - 1;
                    assertThat(follower.read(positions.get(newest))).isEqualTo(payloads.get(newest));
                }
                tail.close();
                GrowLogStats stats = follower.stats();
                assertThat(stats.mappedSize()).as("the follower grew its mapping").isGreaterThan(mappedAtOpen);
                assertThat(stats.records()).isEqualTo(payloads.size());
                assertThat(stats.endPosition()).isEqualTo(writer.endPosition());
                for (int i = 0; i < payloads.size(); i++) {
                    assertThat(follower.read(positions.get(i))).as("record %d", i).isEqualTo(payloads.get(i));
                }
            }
        }
    }

    @Test
    void aReaderAtTheEnd_seesRecordsAppendedLater() throws IOException {
        Path file = dir.resolve("tail.glog");
        try (GrowLog writer = GrowLog.open(file); GrowLog follower = GrowLog.openReadOnly(file);
             LogReader tail = follower.reader(follower.endPosition())) {
            assertThat(tail.next()).isFalse();
            long position = writer.append(new byte[] {1, 2});
            assertThat(tail.next()).isTrue();
            assertThat(tail.position()).isEqualTo(position);
            assertThat(tail.bytes()).containsExactly(1, 2);
            assertThat(tail.next()).isFalse();
        }
    }

    @Test
    void read_atTheEndTheReadOnlyLogLastFound_followsTheWriterAndReturnsTheRecordAppendedThere()
            throws IOException {
        Path file = dir.resolve("at-end.glog");
        try (GrowLog writer = GrowLog.open(file); GrowLog follower = GrowLog.openReadOnly(file)) {
            assertThat(writer.isReadOnly()).isFalse();
            assertThat(follower.isReadOnly()).isTrue();
            writer.append(new byte[] {1});
            long known = follower.endPosition();
            long position = writer.append(new byte[] {2, 3});
            assertThat(position).isEqualTo(known);
            assertThat(follower.read(position)).containsExactly(2, 3);
        }
    }

    @Test
    void aReader_atTheEndOfAFileItMapsWhole_findsNoMoreRecords_untilTheFileGrows() throws IOException {
        Path file = dir.resolve("full.glog");
        GrowLogConfig config = GrowLogConfig.builder().initialSize(8192).pretouchAhead(0).build();
        try (GrowLog writer = GrowLog.open(file, config)) {
            writer.append(new byte[8192 - 4096 - 8]); // ends exactly at the end of the file
            try (GrowLog follower = GrowLog.openReadOnly(file, config);
                 LogReader reader = follower.reader(follower.startPosition());
                 LogReader zeroCopy = follower.reader(follower.startPosition())) {
                assertThat(follower.stats().mappedSize()).isEqualTo(8192);
                assertThat(reader.next()).isTrue();
                assertThat(reader.next()).isFalse();
                assertThat(zeroCopy.forEach((position, payload) -> { })).isEqualTo(1);
                assertThat(zeroCopy.forEach((position, payload) -> { })).isZero();

                long position = writer.append(new byte[] {4});
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(position);
                assertThat(zeroCopy.forEach((p, payload) -> assertThat(p).isEqualTo(position))).isEqualTo(1);
            }
        }
    }

    /**
     * Two threads may follow the same read-only log. When a reader finds a record that runs past
     * the mapping as it saw it, another thread may already have grown the mapping to the file's
     * size, leaving nothing for this reader to follow: it must look again and read the record,
     * not report it as running past the end of the file. The seam grows the mapping, as the
     * other thread would, just before this reader looks at the file size.
     */
    @Test
    void aReader_whoseRecordAnotherThreadMappedMeanwhile_readsIt() throws IOException {
        Path file = dir.resolve("two-followers.glog");
        GrowLogConfig config = GrowLogConfig.builder().initialSize(8192).build();
        GrowLog[] follower = new GrowLog[1];
        boolean[] otherThreadFollowsFirst = new boolean[1];
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public long size(Path f, int fd) throws NativeCallException {
                long size = super.size(f, fd);
                if (otherThreadFollowsFirst[0]) {
                    otherThreadFollowsFirst[0] = false;
                    follower[0].mapping().growTo(size);
                }
                return size;
            }
        };
        try (GrowLog writer = GrowLog.open(file, config)) {
            writer.append(new byte[] {1});
            follower[0] = GrowLog.openReadOnly(file, config, sys);
            try (GrowLog log = follower[0]; LogReader tail = log.reader(log.startPosition())) {
                assertThat(tail.next()).isTrue();
                long mapped = log.stats().mappedSize();
                byte[] across = Payloads.random(9, (int) (mapped - writer.endPosition()));
                long position = writer.append(across);
                assertThat(position + 8).as("header inside the mapping").isLessThanOrEqualTo(mapped);
                assertThat(position + 8 + across.length).as("payload past it").isGreaterThan(mapped);

                otherThreadFollowsFirst[0] = true;
                assertThat(tail.next()).isTrue();
                assertThat(tail.position()).isEqualTo(position);
                assertThat(tail.bytes()).isEqualTo(across);
            }
        }
    }

    @Test
    void writes_toAReadOnlyLog_throwIllegalState() throws IOException {
        Path file = dir.resolve("ro.glog");
        GrowLog.open(file).close();
        try (GrowLog log = GrowLog.openReadOnly(file)) {
            long end = log.endPosition();
            assertThatThrownBy(() -> log.append(new byte[] {1})).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> log.append(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> log.append(new byte[4], 0, 2)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(log::sync).isInstanceOf(IllegalStateException.class);
            assertThat(log.endPosition()).isEqualTo(end);
        }
    }

    private static void appendSome(GrowLog writer, int count, Random random, List<byte[]> payloads,
                                   List<Long> positions) throws IOException {
        for (int i = 0; i < count; i++) {
            byte[] payload = Payloads.random(random, 0, 9000);
            positions.add(writer.append(payload));
            payloads.add(payload);
        }
    }

    private static int readOn(LogReader reader, List<byte[]> payloads, List<Long> positions, int seen)
            throws IOException {
        while (reader.next()) {
            assertThat(reader.position()).as("position of record %d", seen).isEqualTo(positions.get(seen));
            assertThat(reader.bytes()).as("record %d", seen).isEqualTo(payloads.get(seen));
            seen++;
        }
        return seen;
    }
}
