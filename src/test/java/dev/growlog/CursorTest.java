package dev.growlog;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CursorLockedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Durable named cursors through the public API: a consumer resumes where it committed. */
class CursorTest {
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(64 * 1024)
            .initialSize(64 * 1024).pretouchAhead(0).build();

    @TempDir
    Path dir;

    private List<Long> appendNumbered(GrowLog log, int count) throws IOException {
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            positions.add(log.append(Payloads.numbered(i, 30)));
        }
        return positions;
    }

    @Test
    void aNewCursor_startsAtTheStart_andAReopenedOneResumesWhereItCommitted() throws IOException {
        Path file = dir.resolve("log.glog");
        List<Long> positions;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            positions = appendNumbered(log, 10);
            try (Cursor cursor = log.cursor("shipper"); LogReader reader = cursor.reader()) {
                assertThat(cursor.position()).isEqualTo(log.startPosition());
                for (int i = 0; i < 4; i++) {
                    assertThat(reader.next()).isTrue();
                }
                cursor.commit(reader.nextPosition());
                assertThat(cursor.position()).isEqualTo(positions.get(4));
            }
        }
        try (GrowLog log = GrowLog.openReadOnly(file); Cursor cursor = log.cursor("shipper");
             LogReader reader = cursor.reader()) {
            assertThat(cursor.position()).isEqualTo(positions.get(4));
            assertThat(reader.next()).isTrue();
            assertThat(reader.bytes()).isEqualTo(Payloads.numbered(4, 30));
        }
    }

    @Test
    void aCommit_mustBeARecordPositionOrTheEnd_andNeverGoesBack() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("log.glog"), CONFIG); Cursor cursor = log.cursor("c")) {
            List<Long> positions = appendNumbered(log, 5);

            assertThatThrownBy(() -> cursor.commit(positions.get(2) + 8)).isInstanceOf(IllegalArgumentException.class);
            cursor.commit(positions.get(3));
            assertThatThrownBy(() -> cursor.commit(positions.get(1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("move");
            cursor.commit(log.endPosition());
            assertThat(cursor.position()).isEqualTo(log.endPosition());

            cursor.move(positions.get(1));

            assertThat(cursor.position()).isEqualTo(positions.get(1));
        }
    }

    @Test
    void aSecondOwner_isRefusedAtOnce_untilTheFirstCloses() throws IOException {
        Path file = dir.resolve("log.glog");
        try (GrowLog writer = GrowLog.open(file, CONFIG); GrowLog reader = GrowLog.openReadOnly(file)) {
            Cursor first = writer.cursor("shipper");

            assertThatThrownBy(() -> reader.cursor("shipper")).isInstanceOf(CursorLockedException.class)
                    .hasMessageContaining("shipper");
            first.close();

            try (Cursor second = reader.cursor("shipper")) {
                assertThat(second.name()).isEqualTo("shipper");
            }
            assertThatThrownBy(first::position).isInstanceOf(ClosedLogException.class);
        }
    }

    @Test
    void cursors_areListedWithTheirLag_andSetOrDeletedOnlyWhenNoOneOwnsThem() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("log.glog"), CONFIG)) {
            List<Long> positions = appendNumbered(log, 6);
            long end = log.endPosition();
            try (Cursor owned = log.cursor("b-owned")) {
                owned.commit(positions.get(2));
                log.setCursor("a-idle", positions.get(5));

                assertThat(log.cursors()).extracting(CursorInfo::name, CursorInfo::position, CursorInfo::lag)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("a-idle", positions.get(5), end - positions.get(5)),
                                org.assertj.core.groups.Tuple.tuple("b-owned", positions.get(2), end - positions.get(2)));
                assertThatThrownBy(() -> log.setCursor("b-owned", positions.get(0)))
                        .isInstanceOf(CursorLockedException.class);
                assertThatThrownBy(() -> log.deleteCursor("b-owned")).isInstanceOf(CursorLockedException.class);
                assertThatThrownBy(() -> log.setCursor("a-idle", positions.get(0) + 8))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(log.deleteCursor("b-owned")).isTrue();
            assertThat(log.deleteCursor("b-owned")).isFalse();
            assertThat(log.cursors()).extracting(CursorInfo::name).containsExactly("a-idle");
        }
    }

    @Test
    void aTailerFromACursor_followsNewRecordsFromTheCommittedPosition() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("log.glog"), CONFIG); Cursor cursor = log.cursor("t")) {
            List<Long> positions = appendNumbered(log, 3);
            cursor.commit(positions.get(2));
            try (Tailer tailer = cursor.tailer()) {
                assertThat(tailer.poll(10, TimeUnit.SECONDS)).isTrue();
                assertThat(tailer.position()).isEqualTo(positions.get(2));
                long next = log.append(Payloads.numbered(3, 30));
                assertThat(tailer.poll(10, TimeUnit.SECONDS)).isTrue();
                assertThat(tailer.position()).isEqualTo(next);
                cursor.commit(tailer.nextPosition());
                assertThat(cursor.position()).isEqualTo(log.endPosition());
            }
        }
    }

    /** A reader past a file's last record stands at the span end: a cursor commits it as the next file's first record. */
    @Test
    void aCommitAfterTheLastRecordOfAFile_isTheNextFilesFirstRecord() throws IOException {
        GrowLogConfig rolling = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(64 * 1024)
                .rollSize(128 * 1024).pretouchAhead(0).build();
        try (GrowLog log = GrowLog.open(dir.resolve("log"), rolling); Cursor cursor = log.cursor("c")) {
            List<Long> positions = new ArrayList<>();
            for (int i = 0; positions.isEmpty() || positions.get(positions.size() - 1) < 128 * 1024; i++) {
                positions.add(log.append(Payloads.numbered(i, 1000)));
            }
            long firstOfFile1 = positions.get(positions.size() - 1);
            assertThat(firstOfFile1).isEqualTo(128 * 1024 + 4096);
            try (LogReader reader = cursor.reader()) {
                for (int i = 0; i < positions.size() - 1; i++) {
                    assertThat(reader.next()).isTrue();
                }
                cursor.commit(reader.nextPosition());
            }

            assertThat(cursor.position()).isEqualTo(firstOfFile1);
            try (LogReader reader = cursor.reader()) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(firstOfFile1);
            }
        }
    }
}
