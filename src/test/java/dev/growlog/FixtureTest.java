package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.UnsupportedFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.growlog.FixtureWriter.CONFIG;
import static dev.growlog.FixtureWriter.CORRUPT_RECORD;
import static dev.growlog.FixtureWriter.RECORDS;
import static dev.growlog.FixtureWriter.payload;
import static dev.growlog.FixtureWriter.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The fixtures in {@code testdata/fixtures/} open as their README says. Each test opens a copy,
 * never the checked-in file, and checks the original is unchanged. The same checks run on
 * fixtures {@link FixtureWriter} makes afresh, so the generator and the files stay in step.
 */
class FixtureTest {
    private static final Path CHECKED_IN = Path.of("testdata", "fixtures");

    @TempDir
    Path work;

    /** The directory the fixture under test was copied from. */
    private Path source;

    /**
     * A copy of the fixture {@code name} from the checked-in set or a freshly written one; sets
     * {@link #source} to the set's directory.
     */
    private Path copy(String set, String name) throws IOException {
        if (set.equals("checked in")) {
            source = CHECKED_IN;
        } else {
            source = work.resolve("fresh");
            FixtureWriter.writeAll(source);
        }
        Path original = source.resolve(name);
        assertThat(original).exists();
        Path copy = work.resolve("copy-of-" + name);
        LogFiles.copy(original, copy);
        return copy;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"checked in", "fresh"})
    void tornTail_isCutAtTheLastGoodRecord(String set) throws IOException {
        Path file = copy(set, FixtureWriter.TORN_TAIL);
        String original = LogFiles.sha256(source.resolve(FixtureWriter.TORN_TAIL));
        long cut = position(RECORDS - 1);

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            RecoveryReport report = log.recoveryReport();
            assertThat(report.cleanShutdown()).isFalse();
            assertThat(report.tailCut()).isTrue();
            assertThat(report.reason()).contains("checksum");
            assertThat(log.endPosition()).isEqualTo(cut).isEqualTo(4384);
            assertThat(log.stats().records()).isEqualTo(RECORDS - 1);
            try (LogReader reader = log.reader(log.startPosition())) {
                for (int i = 0; i < RECORDS - 1; i++) {
                    assertThat(reader.next()).isTrue();
                    assertThat(reader.position()).isEqualTo(position(i));
                    assertThat(reader.bytes()).isEqualTo(payload(i));
                }
                assertThat(reader.next()).isFalse();
            }
            assertThat(LogFiles.allZero(file, cut, LogFiles.size(file))).isTrue();
        }
        assertThat(LogFiles.sha256(source.resolve(FixtureWriter.TORN_TAIL))).isEqualTo(original);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"checked in", "fresh"})
    void corruptMiddle_isReportedAtItsPosition_andNeverReturned(String set) throws IOException {
        Path file = copy(set, FixtureWriter.CORRUPT_MIDDLE);
        String original = LogFiles.sha256(source.resolve(FixtureWriter.CORRUPT_MIDDLE));
        long damaged = position(CORRUPT_RECORD);

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertThat(log.recoveryReport().cleanShutdown()).isTrue();
            assertThat(log.recoveryReport().tailCut()).isFalse();
            assertThat(log.endPosition()).isEqualTo(position(RECORDS));

            Throwable e = catchThrowable(() -> log.read(damaged));
            assertThat(e).isInstanceOf(CorruptLogException.class).hasMessageContaining(file.getFileName().toString());
            assertThat(((CorruptLogException) e).position()).isEqualTo(damaged).isEqualTo(4256);

            try (LogReader reader = log.reader(log.startPosition())) {
                for (int i = 0; i < CORRUPT_RECORD; i++) {
                    assertThat(reader.next()).isTrue();
                    assertThat(reader.bytes()).isEqualTo(payload(i));
                }
                Throwable scan = catchThrowable(reader::next);
                assertThat(scan).isInstanceOf(CorruptLogException.class);
                assertThat(((CorruptLogException) scan).position()).isEqualTo(damaged);
            }
            for (int i = CORRUPT_RECORD + 1; i < RECORDS; i++) {
                assertThat(log.read(position(i))).isEqualTo(payload(i));
            }
        }
        assertThat(LogFiles.sha256(source.resolve(FixtureWriter.CORRUPT_MIDDLE))).isEqualTo(original);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"checked in", "fresh"})
    void newerVersion_isRefused(String set) throws IOException {
        Path file = copy(set, FixtureWriter.NEWER_VERSION);
        String original = LogFiles.sha256(source.resolve(FixtureWriter.NEWER_VERSION));

        assertThatThrownBy(() -> GrowLog.open(file, CONFIG)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("actual=3").hasMessageContaining("newer");
        assertThatThrownBy(() -> GrowLog.openReadOnly(file)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("newer");
        assertThat(LogFiles.sha256(file)).isEqualTo(original);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"checked in", "fresh"})
    void notALog_isRefused(String set) throws IOException {
        Path file = copy(set, FixtureWriter.NOT_A_LOG);
        String original = LogFiles.sha256(source.resolve(FixtureWriter.NOT_A_LOG));

        assertThatThrownBy(() -> GrowLog.open(file, CONFIG)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("not a growlog file");
        assertThatThrownBy(() -> GrowLog.openReadOnly(file)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("not a growlog file");
        assertThat(LogFiles.sha256(file)).isEqualTo(original);
    }

    /** A log of the first format version checked its records differently: refused, never misread. */
    @Test
    void formatVersion1_isRefusedAsOlder() throws IOException {
        Path original = CHECKED_IN.resolve(FixtureWriter.FORMAT_1);
        Path file = work.resolve("copy-of-" + FixtureWriter.FORMAT_1);
        Files.createDirectory(file); // a log directory whose data file is of format version 1
        Files.copy(original, LogFiles.first(file));
        String sha = LogFiles.sha256(original);

        assertThatThrownBy(() -> GrowLog.open(file, CONFIG)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("actual=1").hasMessageContaining("older format");
        assertThatThrownBy(() -> GrowLog.openReadOnly(file)).isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("older format");
        assertThatThrownBy(() -> GrowLog.openReadOnly(original)).as("the version 1 file itself")
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("older format");
        assertThat(LogFiles.sha256(file)).isEqualTo(sha);
    }
}
