package dev.growlog.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordSplitterTest {

    private static List<String> split(String input, Pattern start) throws IOException {
        return split(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), start, 1 << 20);
    }

    private static List<String> split(InputStream in, Pattern start, int max) throws IOException {
        RecordSplitter splitter = new RecordSplitter(in, start, max, "test");
        List<String> records = new ArrayList<>();
        while (splitter.next()) {
            records.add(new String(splitter.buffer(), 0, splitter.length(), StandardCharsets.UTF_8));
        }
        return records;
    }

    @Test
    void lines_areRecordsWithoutTheirLf() throws IOException {
        assertThat(split("a\nbb\n\nccc\n", null)).containsExactly("a", "bb", "", "ccc");
    }

    @Test
    void crBeforeLf_staysInTheRecord() throws IOException {
        assertThat(split("a\r\nb\r\n", null)).containsExactly("a\r", "b\r");
    }

    @Test
    void lastLineWithoutLf_isARecord() throws IOException {
        assertThat(split("a\nb", null)).containsExactly("a", "b");
        assertThat(split("", null)).isEmpty();
        assertThat(split("\n", null)).containsExactly("");
    }

    @Test
    void linesLongerThanTheReadChunk_areKeptWhole() throws IOException {
        String longLine = "x".repeat(200_000);
        assertThat(split(longLine + "\n" + longLine + "y", null)).containsExactly(longLine, longLine + "y");
    }

    @Test
    void bytesArriveOneAtATime_sameRecords() throws IOException {
        byte[] bytes = "one\ntwo\nthree".getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        assertThat(split(trickle, null, 100)).containsExactly("one", "two", "three");
    }

    @Test
    void multiline_joinsContinuationLinesWithLf() throws IOException {
        String log = "[1] start\n\tat a\n\tat b\n[2] next\n[3] last\ncontinued\n";
        assertThat(split(log, Pattern.compile("^\\["))).containsExactly("[1] start\n\tat a\n\tat b", "[2] next",
                "[3] last\ncontinued");
    }

    @Test
    void multiline_firstLineNotMatching_startsARecordAnyway() throws IOException {
        assertThat(split("orphan\nmore\n[1] x\n", Pattern.compile("^\\["))).containsExactly("orphan\nmore", "[1] x");
    }

    @Test
    void recordOverTheLimit_isAUsageErrorNamingTheLine() {
        byte[] bytes = ("ok\n" + "y".repeat(50) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> split(new ByteArrayInputStream(bytes), null, 40))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("(40 bytes)")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void multilineRecordOverTheLimit_isAUsageError() {
        byte[] bytes = "[1] a\nbbbbbbbbbb\ncccccccccc\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> split(new ByteArrayInputStream(bytes), Pattern.compile("^\\["), 20))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("starting on line 1");
    }

    @Test
    void bytesRead_countsTheWholeInput() throws IOException {
        byte[] bytes = "a\r\nbb\n".getBytes(StandardCharsets.UTF_8);
        RecordSplitter splitter = new RecordSplitter(new ByteArrayInputStream(bytes), null, 100, "t");
        while (splitter.next()) {
            assertThat(Arrays.copyOf(splitter.buffer(), splitter.length())).isNotNull();
        }
        assertThat(splitter.bytesRead()).isEqualTo(bytes.length);
    }
}
