package dev.growlog;

import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;
import dev.growlog.internal.recovery.RecordCursor;
import dev.growlog.internal.recovery.RecordScanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cursor and the scanner at their edges, over records written from the outside with the
 * format's own arithmetic ({@link LogFiles}): a record that ends exactly at a segment end, at
 * the mapped length, at a scan's limit or pause, and one byte past each; how far a scan looks
 * past damage, how many damaged ranges a verify reports, and a scan in leased pieces.
 */
class RecordBoundaryTest {
    private static final int SEGMENT = 64 * 1024;
    private static final long FIRST = LogFiles.HEADER_SIZE;

    @TempDir
    Path dir;

    private final Syscalls sys = Syscalls.libc();
    private Path file;
    private int fd = -1;
    private GrowableMapping mapping;

    /** Creates a zero-filled file of {@code length} bytes; records are written before {@link #map()}. */
    private void create(long length) throws Exception {
        file = dir.resolve("log");
        fd = sys.open(file, true, true);
        sys.truncate(file, fd, length);
    }

    private GrowableMapping map() throws Exception {
        mapping = GrowableMapping.map(sys, file, fd, LogFiles.size(file), false, 0, SEGMENT);
        assertThat(mapping.writable()).isFalse();
        assertThat(mapping.file()).isEqualTo(file);
        return mapping;
    }

    @AfterEach
    void closeAll() throws Exception {
        if (mapping != null) {
            mapping.close();
        }
        if (fd >= 0) {
            sys.close(file, fd);
        }
    }

    private static byte[] payload(int length, int seed) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) seed);
        return bytes;
    }

    @Test
    void aRecordEndingExactlyAtTheSegmentEnd_isValid_andTheScanGoesOnInTheNextSegment() throws Exception {
        create(2L * SEGMENT);
        int fill = (int) (SEGMENT - FIRST - LogFiles.RECORD_HEADER); // ends at the segment end exactly
        long second = LogFiles.writeRecord(file, FIRST, payload(fill, 1));
        assertThat(second).isEqualTo(SEGMENT);
        long end = LogFiles.writeRecord(file, second, payload(5, 2));
        map();

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(FIRST)).isEqualTo(RecordCursor.Status.RECORD);
        assertThat(cursor.length()).isEqualTo(fill);
        assertThat(cursor.next()).isEqualTo(SEGMENT);
        assertThat(cursor.verifyInPlace()).isTrue();

        RecordScanner.Result scan = RecordScanner.scan(mapping, FIRST);
        assertThat(scan.clean()).as(String.valueOf(scan.problem())).isTrue();
        assertThat(scan.records()).isEqualTo(2);
        assertThat(scan.bytes()).isEqualTo(fill + 5L);
        assertThat(scan.end()).isEqualTo(end).isEqualTo(SEGMENT + LogFiles.recordSize(5));
    }

    @Test
    void aRecordOneBytePastTheSegmentEnd_isInvalid() throws Exception {
        create(2L * SEGMENT);
        int room = (int) (SEGMENT - FIRST - LogFiles.RECORD_HEADER);
        // Only the commit word: its length alone condemns the record.
        LogFiles.writeInt(file, FIRST, LogFiles.TYPE_DATA | (room + 1));
        map();

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(FIRST)).isEqualTo(RecordCursor.Status.INVALID);
        assertThat(cursor.problem()).contains("runs past the segment end", "room=" + room);
    }

    @Test
    void paddingThatReachesTheSegmentEnd_isPassedOver_toTheNextSegment() throws Exception {
        create(2L * SEGMENT);
        long padding = LogFiles.writeRecord(file, FIRST, payload(100, 3));
        LogFiles.writePadding(file, padding, SEGMENT);
        long end = LogFiles.writeRecord(file, SEGMENT, payload(7, 4));
        map();

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(padding)).isEqualTo(RecordCursor.Status.PADDING);
        assertThat(cursor.next()).isEqualTo(SEGMENT);
        RecordScanner.Result scan = RecordScanner.scan(mapping, FIRST);
        assertThat(scan.clean()).as(String.valueOf(scan.problem())).isTrue();
        assertThat(scan.records()).isEqualTo(2);
        assertThat(scan.end()).isEqualTo(end);
    }

    @Test
    void aRecordEndingExactlyAtTheMappedLength_isValid() throws Exception {
        long length = FIRST + 8192; // the file, and the mapping, end inside segment 0
        create(length);
        int fill = (int) (length - FIRST - LogFiles.RECORD_HEADER);
        assertThat(LogFiles.writeRecord(file, FIRST, payload(fill, 5))).isEqualTo(length);
        map();

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(FIRST)).isEqualTo(RecordCursor.Status.RECORD);
        assertThat(cursor.verifyInPlace()).isTrue();
        byte[] copy = new byte[fill];
        assertThat(cursor.copyPayload(copy, 0)).isTrue();
        assertThat(copy).isEqualTo(payload(fill, 5));

        RecordScanner.Result scan = RecordScanner.scan(mapping, FIRST);
        assertThat(scan.clean()).as(String.valueOf(scan.problem())).isTrue();
        assertThat(scan.records()).isEqualTo(1);
        assertThat(scan.end()).isEqualTo(length);
        assertThat(scan.done()).isTrue();
    }

    @Test
    void aRecordOneBytePastTheMappedLength_isNotMapped_andTheScanCallsItDamage() throws Exception {
        long length = FIRST + 8192;
        create(length);
        int fill = (int) (length - FIRST - LogFiles.RECORD_HEADER);
        LogFiles.writeInt(file, FIRST, LogFiles.TYPE_DATA | (fill + 1));
        map();

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(FIRST)).isEqualTo(RecordCursor.Status.NOT_MAPPED);
        assertThat(cursor.pastMapping()).as("the header was mapped, the payload was not").isTrue();

        RecordScanner.Result scan = RecordScanner.scan(mapping, FIRST);
        assertThat(scan.records()).isZero();
        assertThat(scan.end()).isEqualTo(FIRST);
        assertThat(scan.problem()).contains("record length " + (fill + 1), "size=" + length);
    }

    @Test
    void aHeaderEndingExactlyAtTheMappedLength_isRead_andOnePastItIsNotMapped() throws Exception {
        long length = FIRST + 8192;
        create(length);
        long last = length - LogFiles.RECORD_HEADER;
        map();

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(last)).as("a zero word in the last mapped header").isEqualTo(RecordCursor.Status.END);
        assertThat(cursor.inspect(length)).isEqualTo(RecordCursor.Status.NOT_MAPPED);
        assertThat(cursor.pastMapping()).as("not even the header was mapped").isFalse();
    }

    @Test
    void anEmptyRecordWhoseHeaderEndsTheMapping_isValid_evenFoundPastDamage() throws Exception {
        long length = FIRST + 8192;
        create(length);
        long damaged = LogFiles.writeRecord(file, FIRST, payload(16, 6));
        long afterDamaged = LogFiles.writeRecord(file, damaged, payload(24, 7));
        LogFiles.flipByte(file, damaged + LogFiles.RECORD_HEADER); // the payload no longer matches its CRC
        long last = length - LogFiles.RECORD_HEADER;
        assertThat(LogFiles.writeRecord(file, last, new byte[0])).isEqualTo(length);
        map();

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(last)).isEqualTo(RecordCursor.Status.RECORD);
        assertThat(cursor.length()).isZero();
        assertThat(cursor.verifyInPlace()).isTrue();

        RecordScanner.Result verify = RecordScanner.verify(mapping, FIRST, Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(verify.records()).as("the first record and the empty last one").isEqualTo(2);
        assertThat(verify.bytes()).isEqualTo(16);
        assertThat(verify.end()).isEqualTo(length);
        assertThat(verify.damage()).singleElement().satisfies(d -> {
            assertThat(d.position()).isEqualTo(damaged);
            assertThat(d.length()).isEqualTo(last - damaged);
            assertThat(d.reason()).contains("checksum", "valid records follow at " + last);
        });
        assertThat(afterDamaged).isLessThan(last);

        RecordScanner.Result scan = RecordScanner.scan(mapping, FIRST);
        assertThat(scan.records()).as("scan stops at the damage").isEqualTo(1);
        assertThat(scan.end()).isEqualTo(damaged);
        assertThat(scan.damage()).singleElement().satisfies(d -> {
            assertThat(d.length()).isEqualTo(last - damaged);
            assertThat(d.reason()).contains("valid records follow at " + last);
        });
    }

    @Test
    void verify_stopsAtALimitThatARecordEndsAtExactly_andCountsARecordThatStartsBeforeIt() throws Exception {
        create(2L * SEGMENT);
        long second = LogFiles.writeRecord(file, FIRST, payload(10, 8));
        long third = LogFiles.writeRecord(file, second, payload(20, 9));
        long end = LogFiles.writeRecord(file, third, payload(30, 10));
        map();

        RecordScanner.Result upToThird = RecordScanner.verify(mapping, FIRST, Long.MAX_VALUE, third);
        assertThat(upToThird.records()).isEqualTo(2);
        assertThat(upToThird.bytes()).isEqualTo(30);
        assertThat(upToThird.end()).isEqualTo(third);
        assertThat(upToThird.next()).isEqualTo(third);
        assertThat(upToThird.done()).isTrue();
        assertThat(upToThird.clean()).isTrue();

        RecordScanner.Result pastThird = RecordScanner.verify(mapping, FIRST, Long.MAX_VALUE, third + 1);
        assertThat(pastThird.records()).isEqualTo(3);
        assertThat(pastThird.end()).isEqualTo(end);
    }

    @Test
    void scan_pausesBeforeARecordThatStartsExactlyAtThePause_andResumesThere() throws Exception {
        create(2L * SEGMENT);
        long second = LogFiles.writeRecord(file, FIRST, payload(10, 11));
        long end = LogFiles.writeRecord(file, second, payload(20, 12));
        map();

        RecordScanner.Result first = RecordScanner.scan(mapping, FIRST, second);
        assertThat(first.records()).isEqualTo(1);
        assertThat(first.end()).isEqualTo(second);
        assertThat(first.next()).isEqualTo(second);
        assertThat(first.done()).isFalse();

        RecordScanner.Result rest = RecordScanner.scan(mapping, first.next(), second + 1);
        assertThat(rest.records()).isEqualTo(1);
        assertThat(rest.end()).isEqualTo(end);
        assertThat(rest.done()).as("paused at " + rest.next()).isFalse();
        assertThat(RecordScanner.scan(mapping, rest.next()).done()).isTrue();
    }
    @Test
    void paddingThatStopsShortOfTheSegmentEnd_isInvalid_andSaysWhy() throws Exception {
        create(2L * SEGMENT);
        int room = (int) (SEGMENT - FIRST - LogFiles.RECORD_HEADER);
        LogFiles.writeInt(file, FIRST, LogFiles.TYPE_PADDING | (room - 8));
        map();

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(FIRST)).isEqualTo(RecordCursor.Status.INVALID);
        assertThat(cursor.position()).isEqualTo(FIRST);
        assertThat(cursor.problem()).contains("padding length " + (room - 8), "expected=" + room);
    }

    @Test
    void aCommitWordOfTypeZero_isInvalid_andSaysSo() throws Exception {
        create(2L * SEGMENT);
        LogFiles.writeInt(file, FIRST, 16); // type bits 00, length 16
        map();

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(FIRST)).isEqualTo(RecordCursor.Status.INVALID);
        assertThat(cursor.problem()).contains("invalid record type in commit word 0x10");
    }

    @Test
    void verify_doesNotLookForValidRecordsAtOrPastItsLimit() throws Exception {
        create(2L * SEGMENT);
        long empty = LogFiles.writeRecord(file, FIRST, payload(8, 13));
        long damaged = LogFiles.writeRecord(file, empty, new byte[0]); // an empty record right before the damage
        long valid = LogFiles.writeRecord(file, damaged, payload(8, 14));
        LogFiles.flipByte(file, damaged + LogFiles.RECORD_HEADER);
        long end = LogFiles.writeRecord(file, valid, payload(8, 15));
        map();

        RecordScanner.Result upToValid = RecordScanner.verify(mapping, FIRST, Long.MAX_VALUE, valid);
        assertThat(upToValid.records()).isEqualTo(2);
        assertThat(upToValid.damage()).singleElement().satisfies(d -> {
            assertThat(d.position()).isEqualTo(damaged);
            assertThat(d.length()).isEqualTo(valid - damaged);
            assertThat(d.reason()).contains("checksum", "(nothing valid follows)");
        });

        RecordScanner.Result all = RecordScanner.verify(mapping, FIRST, Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(all.records()).isEqualTo(3);
        assertThat(all.end()).isEqualTo(end);
        assertThat(all.damage()).singleElement().satisfies(d ->
                assertThat(d.reason()).contains("valid records follow at " + valid));
    }

    @Test
    void scan_looksOnly1MiBPastDamage_whileVerifyLooksToTheEnd() throws Exception {
        long far = FIRST + (1L << 20) + SEGMENT; // a segment start more than 1 MiB past the damage
        create(far + SEGMENT);
        long after = LogFiles.writeRecord(file, FIRST, payload(8, 16));
        LogFiles.flipByte(file, FIRST + LogFiles.RECORD_HEADER);
        long end = LogFiles.writeRecord(file, far, payload(8, 17));
        map();

        RecordScanner.Result scan = RecordScanner.scan(mapping, FIRST);
        assertThat(scan.records()).isZero();
        assertThat(scan.damage()).singleElement().satisfies(d -> {
            assertThat(d.reason()).contains("checksum").doesNotContain("follow");
            assertThat(d.length()).as("to the end of the mapping").isEqualTo(far + SEGMENT - FIRST);
        });

        RecordScanner.Result verify = RecordScanner.verify(mapping, FIRST, Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(verify.records()).isEqualTo(1);
        assertThat(verify.end()).isEqualTo(end);
        assertThat(verify.damage()).singleElement().satisfies(d -> {
            assertThat(d.length()).isEqualTo(far - FIRST);
            assertThat(d.reason()).contains("valid records follow at " + far);
        });
        assertThat(after).isLessThan(far);
    }

    @Test
    void verify_reportsAtMostMaxReportedDamagedRanges_butCountsEveryRecord() throws Exception {
        create(2L * SEGMENT);
        int pairs = RecordScanner.MAX_REPORTED + 1;
        long position = FIRST;
        for (int i = 0; i < pairs; i++) {
            long damaged = position;
            position = LogFiles.writeRecord(file, position, payload(8, 18));
            LogFiles.flipByte(file, damaged + LogFiles.RECORD_HEADER);
            position = LogFiles.writeRecord(file, position, payload(8, 19));
        }
        long end = position;
        map();

        RecordScanner.Result verify = RecordScanner.verify(mapping, FIRST, Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(verify.records()).isEqualTo(pairs);
        assertThat(verify.end()).isEqualTo(end);
        assertThat(verify.damage()).hasSize(RecordScanner.MAX_REPORTED);
        assertThat(verify.damage().get(0).position()).isEqualTo(FIRST);
    }

    @Test
    void inLeases_addsUpItsPieces_andReportsWhereEachEnded() throws Exception {
        create(2L * SEGMENT);
        long second = LogFiles.writeRecord(file, FIRST, payload(10, 20));
        long third = LogFiles.writeRecord(file, second, payload(20, 21));
        long end = LogFiles.writeRecord(file, third, payload(30, 22));
        map();

        List<Long> progress = new ArrayList<>();
        RecordScanner.Result result = RecordScanner.inLeases(mapping, FIRST, true, Long.MAX_VALUE,
                LogFiles.recordSize(10), progress::add);
        assertThat(result.records()).isEqualTo(3);
        assertThat(result.bytes()).isEqualTo(60);
        assertThat(result.end()).isEqualTo(end);
        assertThat(result.clean()).isTrue();
        assertThat(result.done()).isTrue();
        assertThat(progress).containsExactly(second, third, end, end);
    }

    @Test
    void inLeases_withoutGoingPastDamage_stopsAtTheFirstDamagedRecord() throws Exception {
        create(2L * SEGMENT);
        long second = LogFiles.writeRecord(file, FIRST, payload(10, 23));
        long third = LogFiles.writeRecord(file, second, payload(20, 24));
        LogFiles.writeRecord(file, third, payload(30, 25));
        LogFiles.flipByte(file, second + LogFiles.RECORD_HEADER);
        map();

        List<Long> progress = new ArrayList<>();
        RecordScanner.Result result = RecordScanner.inLeases(mapping, FIRST, false, Long.MAX_VALUE,
                LogFiles.recordSize(10), progress::add);
        assertThat(result.records()).isEqualTo(1);
        assertThat(result.end()).isEqualTo(second);
        assertThat(result.next()).isEqualTo(second);
        assertThat(result.done()).isTrue();
        assertThat(result.clean()).isFalse();
        assertThat(result.problem()).contains("checksum", "valid records follow at " + third);
        assertThat(progress).containsExactly(second, second);
    }

    @Test
    void aCursor_followsGrowthInPlace_intoNewBytesOfTheSegmentItHasAViewOf() throws Exception {
        long length = FIRST + 8192;
        create(length);
        long second = LogFiles.writeRecord(file, FIRST, payload(10, 26));
        mapping = GrowableMapping.map(sys, file, fd, length, true, 1L << 20, SEGMENT);

        RecordCursor cursor = new RecordCursor(mapping);
        assertThat(cursor.inspect(FIRST)).isEqualTo(RecordCursor.Status.RECORD);
        long grown = length + 8192;
        sys.truncate(file, fd, grown);
        mapping.growTo(grown);
        assertThat(mapping.generation()).as("grown in place").isZero();
        long beyond = length + 16; // past the end of the view the cursor holds
        LogFiles.writeRecord(file, beyond, payload(12, 27));

        assertThat(cursor.inspect(beyond)).isEqualTo(RecordCursor.Status.RECORD);
        assertThat(cursor.length()).isEqualTo(12);
        assertThat(cursor.verifyInPlace()).isTrue();
        assertThat(second).isLessThan(length);
    }
}
