package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader copies records out in batches of at most 64 records or 64 KiB, each under one lease,
 * and {@code forEach} hands at most 1024 records, or 64 KiB of payload, to its handler per
 * lease: counted through {@link GrowLogStats#leases()}, on a log without a pretoucher (which
 * takes leases of its own).
 */
class ReaderBatchTest {
    /** Records a batch holds at most, and its bytes: each record counts its payload and 12 bytes. */
    private static final int BATCH_RECORDS = 64;
    private static final int BATCH_BYTES = 64 * 1024;
    /** Records {@code forEach} hands out per lease at most, or fewer once they hold 64 KiB of payload. */
    private static final int ZERO_COPY_BATCH_RECORDS = 1024;
    private static final int CHECKSUM_PREFIX = 12;

    @TempDir
    Path dir;

    private GrowLog open(String name) throws IOException {
        return GrowLog.open(dir.resolve(name), GrowLogConfig.builder().pretouchAhead(0).build());
    }

    private static List<Long> append(GrowLog log, int count, int length) throws IOException {
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            positions.add(log.append(Payloads.numbered(i, length)));
        }
        return positions;
    }

    private static long leases(GrowLog log) throws IOException {
        return log.stats().leases();
    }

    /** Reads every record, noting after each {@code next()} how many leases the reader has taken. */
    private static List<Long> leasesAfterEachNext(GrowLog log, List<Long> positions) throws IOException {
        List<Long> taken = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            long before = leases(log);
            for (int i = 0; i < positions.size(); i++) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(positions.get(i));
                assertThat(Payloads.numberOf(reader.bytes())).isEqualTo(i);
                taken.add(leases(log) - before);
            }
            assertThat(reader.next()).isFalse();
            taken.add(leases(log) - before);
        }
        return taken;
    }

    @Test
    void next_fillsABatchUpToExactly64KiB_underOneLease() throws IOException {
        int length = 2048 - CHECKSUM_PREFIX; // 32 records fill 64 KiB exactly
        int perBatch = BATCH_BYTES / (length + CHECKSUM_PREFIX);
        try (GrowLog log = open("bytes.glog")) {
            List<Long> positions = append(log, 100, length);
            List<Long> taken = leasesAfterEachNext(log, positions);
            for (int i = 0; i < positions.size(); i++) {
                assertThat(taken.get(i)).as("leases after record %d", i).isEqualTo(i / perBatch + 1);
            }
            assertThat(taken.get(100)).as("leases after the last next()").isEqualTo(100 / perBatch + 2);
        }
    }

    @Test
    void next_fillsABatchWithAtMost64SmallRecords_underOneLease() throws IOException {
        try (GrowLog log = open("records.glog")) {
            List<Long> positions = append(log, 150, 8);
            List<Long> taken = leasesAfterEachNext(log, positions);
            for (int i = 0; i < positions.size(); i++) {
                assertThat(taken.get(i)).as("leases after record %d", i).isEqualTo(i / BATCH_RECORDS + 1);
            }
        }
    }

    @Test
    void forEach_handsAtMost1024SmallRecordsPerLease() throws IOException {
        try (GrowLog log = open("zero-copy.glog"); LogReader reader = log.reader(log.startPosition())) {
            append(log, 2 * ZERO_COPY_BATCH_RECORDS, 8);
            long before = leases(log);
            assertThat(reader.forEach((position, payload) -> { })).isEqualTo(2 * ZERO_COPY_BATCH_RECORDS);
            // two full leases, then one that finds the end
            assertThat(leases(log) - before).isEqualTo(3);
        }
    }

    @Test
    void forEach_stopsALeaseOnceItHanded64KiBOfPayload() throws IOException {
        int length = 1024; // 64 records hold 64 KiB
        try (GrowLog log = open("zero-copy-bytes.glog"); LogReader reader = log.reader(log.startPosition())) {
            append(log, 2 * BATCH_BYTES / length, length);
            long before = leases(log);
            assertThat(reader.forEach((position, payload) -> { })).isEqualTo(2 * BATCH_BYTES / length);
            assertThat(leases(log) - before).isEqualTo(3);
        }
    }

    @Test
    void forEach_afterNext_goesOnAfterTheCurrentRecord_notFromTheEndOfItsBatch() throws IOException {
        try (GrowLog log = open("mixed.glog"); LogReader reader = log.reader(log.startPosition())) {
            List<Long> positions = append(log, 5, 8);
            assertThat(reader.next()).isTrue();
            assertThat(reader.next()).isTrue();
            assertThat(reader.nextPosition()).isEqualTo(positions.get(2));
            List<Long> handled = new ArrayList<>();
            assertThat(reader.forEach((position, payload) -> handled.add(position))).isEqualTo(3);
            assertThat(handled).isEqualTo(positions.subList(2, 5));
            assertThat(reader.next()).isFalse();
            assertThat(reader.nextPosition()).isEqualTo(log.endPosition());
        }
    }
}
