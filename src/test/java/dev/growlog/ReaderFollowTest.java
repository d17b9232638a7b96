package dev.growlog;

import dev.growlog.PausingSyscalls.Call;
import dev.growlog.PausingSyscalls.Pause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader of a read-only log follows the writer's growth through files of a chain: in a file
 * after the first, past the padding at a segment's end, and across sealed files whose padding
 * lay beyond what the reader had mapped. The writer runs in this process through its own log
 * object, as another process's writer would: it shares nothing with the read-only log but the
 * files. Files grow 8 KiB at a time, only when an append needs it, so a test can make a file end
 * exactly where a record ends.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReaderFollowTest {
    static final int SEGMENT = 64 * 1024;
    static final long SPAN = 2L * SEGMENT;
    static final GrowLogConfig STEPS = GrowLogConfig.builder().segmentSize(SEGMENT).rollSize(SPAN).initialSize(8192)
            .maxGrowthStep(8192).pretouchAhead(0).build();
    /** A payload whose record does not fit in the last 8 KiB of a segment: the writer pads there. */
    static final int PAST_THE_LAST_8_KIB = 8200;

    @TempDir
    Path dir;

    /** Appends one record that ends exactly at {@code end} (a global position in the writer's current segment). */
    private static long appendEndingAt(GrowLog writer, long end) throws Exception {
        long at = writer.endPosition();
        int length = Math.toIntExact(end - at - LogFiles.RECORD_HEADER);
        long position = writer.append(Payloads.numbered((int) (at / 8), length));
        assertThat(position).isEqualTo(at);
        // the end of a full file is the next file's first record
        assertThat(writer.endPosition()).isEqualTo(end % SPAN == 0 ? end + LogFiles.HEADER_SIZE : end);
        return position;
    }

    private static <T> CompletableFuture<T> inThread(String name, Callable<T> call, List<Thread> started) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        started.add(thread);
        return result;
    }

    /**
     * File 0 holds two records that end where the file ends (8 KiB before the span end), and the
     * read-only log has mapped exactly that much. A reader there follows the file (finding it no
     * longer), and while it does, the writer pads file 0 (growing it) and rolls into file 1.
     * After the follow the reader meets the end of its mapping again, now with a later file on
     * disk: it must follow once more and cross into file 1, not report file 0 as cut short.
     */
    private void aFollowThatRacesASealAndRoll_isFollowedAgain(boolean zeroCopy) throws Exception {
        Path path = dir.resolve(zeroCopy ? "for-each" : "next");
        PausingSyscalls sys = new PausingSyscalls();
        List<Thread> threads = new ArrayList<>();
        long fileEnd = SPAN - 8192;
        try (GrowLog writer = GrowLog.open(path, STEPS, sys)) {
            appendEndingAt(writer, SEGMENT);
            long last = appendEndingAt(writer, fileEnd);
            assertThat(writer.stats().fileSize()).as("file 0 ends where its last record does").isEqualTo(fileEnd);
            try (GrowLog follower = GrowLog.openReadOnly(path, GrowLogConfig.defaults(), sys);
                 LogReader reader = follower.reader(last)) {
                assertThat(follower.stats().mappedSize()).isEqualTo(fileEnd);
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(last);

                List<Long> seen = new ArrayList<>();
                CompletableFuture<Long> read = inThread("reader", () -> {
                    if (zeroCopy) {
                        return reader.forEach((position, payload) -> seen.add(position));
                    }
                    while (reader.next()) {
                        seen.add(reader.position());
                    }
                    return (long) seen.size();
                }, threads);
                Pause follow = sys.pauseAfter(Call.SIZE, threads.get(0));
                threads.get(0).start();
                follow.awaitReached(); // the reader read file 0's size: still where its last record ends
                long inNextFile = writer.append(Payloads.numbered(1, PAST_THE_LAST_8_KIB)); // pads, rolls
                assertThat(inNextFile).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
                follow.resume();

                assertThat(read.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(seen).containsExactly(inNextFile);
                assertThat(reader.nextPosition()).isEqualTo(writer.endPosition());
            } finally {
                for (Thread t : threads) {
                    t.join(TimeUnit.SECONDS.toMillis(PausingSyscalls.TIMEOUT_SECONDS));
                }
            }
        }
    }

    @Test
    void next_whoseFollowRacedTheWriterSealingTheFileAndRolling_followsAgain_andReadsOnInTheNextFile()
            throws Exception {
        aFollowThatRacesASealAndRoll_isFollowedAgain(false);
    }

    @Test
    void forEach_whoseFollowRacedTheWriterSealingTheFileAndRolling_followsAgain_andReadsOnInTheNextFile()
            throws Exception {
        aFollowThatRacesASealAndRoll_isFollowedAgain(true);
    }

    /** Every record from {@code reader}'s position to the current end, by {@code next()} or {@code forEach}. */
    private static List<Long> readOn(LogReader reader, boolean zeroCopy) throws Exception {
        List<Long> seen = new ArrayList<>();
        if (zeroCopy) {
            long handled = reader.forEach((position, payload) -> seen.add(position));
            assertThat(handled).as("records forEach counted").isEqualTo(seen.size());
        } else {
            while (reader.next()) {
                seen.add(reader.position());
            }
        }
        return seen;
    }

    /**
     * In file 1 the read-only log has mapped up to 8 KiB before the segment's end, where the
     * writer then pads (its next record does not fit there) and goes on in the next segment. The
     * reader follows at the end of its mapping, then reads the padding and the record after it,
     * at offsets within file 1, not at global positions.
     */
    private void aPaddingPastTheMappingOfALaterFile_isReadAfterAFollow(boolean zeroCopy) throws Exception {
        Path path = dir.resolve(zeroCopy ? "for-each" : "next");
        try (GrowLog writer = GrowLog.open(path, STEPS)) {
            appendEndingAt(writer, SEGMENT);
            appendEndingAt(writer, SPAN); // fills file 0 exactly: the next record starts file 1
            long first = appendEndingAt(writer, SPAN + SEGMENT - 8192);
            assertThat(first).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            assertThat(writer.stats().fileSize()).as("file 1 ends where its record does").isEqualTo(SEGMENT - 8192);
            try (GrowLog follower = GrowLog.openReadOnly(path); LogReader reader = follower.reader(first)) {
                assertThat(follower.stats().mappedSize()).isEqualTo(SEGMENT - 8192);
                long afterPadding = writer.append(Payloads.numbered(2, PAST_THE_LAST_8_KIB));
                assertThat(afterPadding).isEqualTo(SPAN + SEGMENT);

                assertThat(readOn(reader, zeroCopy)).containsExactly(first, afterPadding);
                assertThat(reader.nextPosition()).isEqualTo(writer.endPosition());
            }
        }
    }

    @Test
    void next_inALaterFile_followsItsGrowth_andReadsOnPastAPaddingBeyondWhatItHadMapped() throws Exception {
        aPaddingPastTheMappingOfALaterFile_isReadAfterAFollow(false);
    }

    @Test
    void forEach_inALaterFile_followsItsGrowth_andReadsOnPastAPaddingBeyondWhatItHadMapped() throws Exception {
        aPaddingPastTheMappingOfALaterFile_isReadAfterAFollow(true);
    }

    /**
     * Files 0 and 1 are each mapped by the read-only log when they ended 8 KiB before their span
     * end; the writer then padded each and rolled. One scan crosses both: at each span end it
     * reads the padding after a follow and moves on to the next file, never judging the file
     * it leaves as cut short.
     */
    private void twoSealedFilesMappedShortOfTheirPadding_areCrossedInOneScan(boolean zeroCopy) throws Exception {
        Path path = dir.resolve(zeroCopy ? "for-each" : "next");
        List<Long> written = new ArrayList<>();
        try (GrowLog writer = GrowLog.open(path, STEPS)) {
            written.add(appendEndingAt(writer, SEGMENT));
            written.add(appendEndingAt(writer, SPAN - 8192));
            assertThat(writer.stats().fileSize()).isEqualTo(SPAN - 8192);
            try (GrowLog follower = GrowLog.openReadOnly(path);
                 LogReader reader = follower.reader(follower.startPosition())) {
                assertThat(follower.stats().mappedSize()).isEqualTo(SPAN - 8192);
                written.add(writer.append(Payloads.numbered(3, PAST_THE_LAST_8_KIB))); // pads file 0, rolls
                assertThat(written.get(2)).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
                written.add(appendEndingAt(writer, SPAN + SEGMENT));
                written.add(appendEndingAt(writer, 2 * SPAN - 8192));
                assertThat(writer.stats().fileSize()).isEqualTo(SPAN - 8192);
                follower.reader(written.get(2)).close(); // checks the position: the follower maps file 1 now
                assertThat(follower.stats().mappedSize()).isEqualTo(SPAN - 8192);
                written.add(writer.append(Payloads.numbered(4, PAST_THE_LAST_8_KIB))); // pads file 1, rolls
                assertThat(written.get(5)).isEqualTo(2 * SPAN + LogFiles.HEADER_SIZE);

                assertThat(readOn(reader, zeroCopy)).containsExactlyElementsOf(written);
                assertThat(reader.nextPosition()).isEqualTo(writer.endPosition());
            }
        }
    }

    @Test
    void next_crossesTwoSealedFilesWhosePaddingLayPastItsMapping_followingEach() throws Exception {
        twoSealedFilesMappedShortOfTheirPadding_areCrossedInOneScan(false);
    }

    @Test
    void forEach_crossesTwoSealedFilesWhosePaddingLayPastItsMapping_followingEach() throws Exception {
        twoSealedFilesMappedShortOfTheirPadding_areCrossedInOneScan(true);
    }

    /**
     * The writer's file ends exactly where its last record does, and the read-only log has
     * mapped all of it: a scan reads every record, follows once at the end of its mapping,
     * finds nothing more, and stops there with the count of what it read.
     */
    private void aFileEndingWhereItsLastRecordEnds_isTheEndOfTheLog(boolean zeroCopy) throws Exception {
        Path path = dir.resolve(zeroCopy ? "for-each" : "next");
        try (GrowLog writer = GrowLog.open(path, STEPS)) {
            List<Long> written = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                written.add(writer.append(Payloads.numbered(i, 1000)));
            }
            written.add(appendEndingAt(writer, 16384));
            assertThat(writer.stats().fileSize()).isEqualTo(16384);
            try (GrowLog follower = GrowLog.openReadOnly(path);
                 LogReader reader = follower.reader(follower.startPosition())) {
                assertThat(readOn(reader, zeroCopy)).containsExactlyElementsOf(written);
                assertThat(reader.nextPosition()).isEqualTo(16384);
                assertThat(readOn(reader, zeroCopy)).isEmpty();
            }
        }
    }

    @Test
    void next_atTheEndOfAFileThatEndsWhereItsLastRecordDoes_returnsFalse() throws Exception {
        aFileEndingWhereItsLastRecordEnds_isTheEndOfTheLog(false);
    }

    @Test
    void forEach_atTheEndOfAFileThatEndsWhereItsLastRecordDoes_returnsHowManyItHandled() throws Exception {
        aFileEndingWhereItsLastRecordEnds_isTheEndOfTheLog(true);
    }
}
