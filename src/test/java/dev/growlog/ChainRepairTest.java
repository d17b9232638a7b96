package dev.growlog;

import dev.growlog.error.CorruptLogException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Explicit repair of a log of many files: damage in sealed files (and in the writer's) is
 * skipped or cut at, across the whole chain, with global positions in the report.
 */
class ChainRepairTest {
    static final long SPAN = 128 * 1024;
    static final GrowLogConfig ROLLING = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(64 * 1024).pretouchAhead(0).build();
    static final int RECORDS = 1500;

    @TempDir
    Path dir;

    private Path path;
    /** Every record written, by position, in order. */
    private final Map<Long, byte[]> written = new LinkedHashMap<>();

    @BeforeEach
    void writeLog() throws IOException {
        path = dir.resolve("chain");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] payload = Payloads.numbered(i, 100 + i % 900);
                written.put(log.append(payload), payload);
            }
        }
        assertThat(dataFiles()).as("files of the log").hasSizeGreaterThanOrEqualTo(6);
    }

    private List<String> dataFiles() throws IOException {
        try (Stream<Path> files = Files.list(path)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".glog")).sorted().toList();
        }
    }

    private List<Long> positions() {
        return new ArrayList<>(written.keySet());
    }

    /** The n-th record (0-based) that lies in file {@code index}. */
    private long recordInFile(long index, int n) {
        return positions().stream().filter(p -> p / SPAN == index).skip(n).findFirst().orElseThrow();
    }

    /** Flips a bit in the middle of the payload of the record at {@code position}. */
    private void damagePayloadAt(long position) throws IOException {
        Corruption.flipBit(LogFiles.dataFile(path, position / SPAN, SPAN),
                position % SPAN + 8 + written.get(position).length / 2, 3);
    }

    private List<Long> readAll(GrowLog log) throws IOException {
        List<Long> read = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                assertThat(reader.bytes()).as("record at %d", reader.position()).isEqualTo(written.get(reader.position()));
                read.add(reader.position());
            }
        }
        return read;
    }

    @Test
    void repairSkip_ofDamageInASealedFile_letsReadersReadThroughIt() throws Exception {
        long damaged = recordInFile(1, 10);
        damagePayloadAt(damaged);
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertThat(log.verify().damage()).extracting(Damage::position).containsExactly(damaged);
            assertThatThrownBy(() -> readAll(log)).isInstanceOf(CorruptLogException.class);
        }

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(damaged);
        assertThat(report.recordsKept()).isEqualTo(RECORDS - 1);
        assertThat(report.recordsDropped()).isZero();
        assertThat(report.endAfter()).isEqualTo(report.endBefore());
        written.remove(damaged);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void repairTruncate_ofDamageInASealedFile_cutsThere_deletesTheLaterFiles_andAppendsGoOnFromTheCut()
            throws Exception {
        long damaged = recordInFile(2, 5);
        damagePayloadAt(damaged);
        int before = dataFiles().size();

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        long kept = positions().stream().filter(p -> p < damaged).count();
        assertThat(report.damage()).extracting(Damage::position).containsExactly(damaged);
        assertThat(report.recordsKept()).isEqualTo(kept);
        assertThat(report.recordsDropped()).isEqualTo(RECORDS - kept - 1);
        assertThat(report.endAfter()).isEqualTo(damaged);
        assertThat(dataFiles()).as("files after the cut, of %d", before).containsExactly(
                LogFiles.dataFileName(0), LogFiles.dataFileName(SPAN), LogFiles.dataFileName(2 * SPAN));
        written.keySet().removeIf(p -> p >= damaged);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.endPosition()).isEqualTo(damaged);
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
            byte[] next = Payloads.numbered(9999, 50);
            assertThat(log.append(next)).isEqualTo(damaged);
            written.put(damaged, next);
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }
}
