package dev.growlog;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every line of the real samples in {@code testdata/} goes in as a record and comes back byte
 * for byte, by position and by scan, before and after the log is closed and reopened.
 */
class SampleRoundTripTest {
    /** Small segments, a tiny start and no headroom: the samples cross segments and move the mapping. */
    static final GrowLogConfig SMALL = GrowLogConfig.builder()
            .segmentSize(64 * 1024).initialSize(8192).maxGrowthStep(64 * 1024).headroom(0).build();

    @TempDir
    Path dir;

    static Stream<Arguments> samplesAndConfigs() {
        List<Arguments> cases = new ArrayList<>();
        for (String sample : List.of("apache_logs", "nginxplus_json_logs",
                "kafka-broker-logs/kafka0-controller.log.2016-12-19-18")) {
            cases.add(Arguments.of(sample, "defaults", GrowLogConfig.defaults()));
            cases.add(Arguments.of(sample, "64 KiB segments, no headroom", SMALL));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("samplesAndConfigs")
    void everyLineOfASample_readsBackByteForByte_atPositionsStableAcrossReopen(String sample, String configName,
                                                                              GrowLogConfig config)
            throws IOException {
        List<byte[]> lines = lines(Path.of("testdata").resolve(sample));
        assertThat(lines).as("lines of %s", sample).hasSizeGreaterThan(100);
        Path file = dir.resolve("sample.glog");
        long[] positions = new long[lines.size()];

        try (GrowLog log = GrowLog.open(file, config)) {
            for (int i = 0; i < lines.size(); i++) {
                positions[i] = log.append(lines.get(i));
            }
            assertEveryLine(log, lines, positions);
            assertThat(log.stats().records()).isEqualTo(lines.size());
        }

        try (GrowLog log = GrowLog.open(file, config)) {
            assertThat(log.recoveryReport().cleanShutdown()).isTrue();
            assertThat(log.recoveryReport().tailCut()).isFalse();
            assertThat(log.stats().records()).isEqualTo(lines.size());
            assertEveryLine(log, lines, positions);

            // The old positions keep their records while the log goes on growing.
            long more = log.append(lines.get(0));
            assertThat(more).isEqualTo(positions[positions.length - 1]
                    + LogFiles.recordSize(lines.get(lines.size() - 1).length));
            assertThat(log.read(more)).isEqualTo(lines.get(0));
            assertThat(log.read(positions[positions.length - 1])).isEqualTo(lines.get(lines.size() - 1));
        }

        try (GrowLog log = GrowLog.openReadOnly(file)) {
            for (int i = 0; i < lines.size(); i += 97) {
                assertThat(log.read(positions[i])).as("line %d read-only", i).isEqualTo(lines.get(i));
            }
        }
    }

    /** Checks every line by random read and by a full scan, which must see exactly these positions. */
    private static void assertEveryLine(GrowLog log, List<byte[]> lines, long[] positions) throws IOException {
        for (int i = 0; i < lines.size(); i++) {
            assertThat(log.read(positions[i])).as("line %d at position %d", i, positions[i]).isEqualTo(lines.get(i));
        }
        int i = 0;
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                assertThat(i).as("records found by the scan").isLessThan(lines.size());
                assertThat(reader.position()).as("position of line %d", i).isEqualTo(positions[i]);
                assertThat(reader.bytes()).as("line %d scanned", i).isEqualTo(lines.get(i));
                assertThat(reader.length()).isEqualTo(lines.get(i).length);
                i++;
            }
            assertThat(reader.nextPosition()).isEqualTo(log.endPosition());
        }
        assertThat(i).as("records found by the scan").isEqualTo(lines.size());
    }

    /** The file's lines as raw bytes, without their line feeds (the samples are not all UTF-8). */
    static List<byte[]> lines(Path file) throws IOException {
        byte[] all = Files.readAllBytes(LogFiles.first(file));
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        if (start < all.length) {
            lines.add(Arrays.copyOfRange(all, start, all.length));
        }
        return lines;
    }
}
