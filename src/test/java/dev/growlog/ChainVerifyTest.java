package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GrowLog#verify(java.util.function.LongConsumer)} over a chain of files: the totals it
 * reports (records, payload bytes, the position it reached) add up every file, and its progress
 * goes through every file in order, in the writer and in a read-only open alike.
 */
class ChainVerifyTest {
    @TempDir
    Path dir;

    @Test
    void verify_ofAChainOfFiles_countsEveryRecordAndPayloadByte_andReportsProgressThroughEveryFile()
            throws IOException {
        Path path = dir.resolve("log");
        int records = 2000;
        long payloadBytes = 0;
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            for (int i = 0; i < records; i++) {
                byte[] payload = Payloads.numbered(i, 100 + i % 900);
                log.append(payload);
                payloadBytes += payload.length;
            }
            assertThat(log.stats().files()).as("files in the chain").isGreaterThan(5);
            checkVerify(log, records, payloadBytes);
            try (GrowLog readOnly = GrowLog.openReadOnly(path)) {
                checkVerify(readOnly, records, payloadBytes);
            }
        }
    }

    private static void checkVerify(GrowLog log, int records, long payloadBytes) throws IOException {
        List<Long> progress = new ArrayList<>();

        VerifyReport report = log.verify(progress::add);

        assertThat(report.clean()).isTrue();
        assertThat(report.records()).isEqualTo(records);
        assertThat(report.payloadBytes()).isEqualTo(payloadBytes);
        assertThat(report.endPosition()).isEqualTo(log.endPosition());
        assertThat(progress).as("positions reached, in order").isSorted()
                .allSatisfy(p -> assertThat(p).isBetween(log.startPosition(), log.endPosition()));
        assertThat(progress.get(progress.size() - 1)).isEqualTo(log.endPosition());
        // A sealed file's scan ends at its span end, the next file's base: p - 1 lies in the file.
        assertThat(progress.stream().map(p -> (p - 1) / ChainTest.SPAN).distinct().count())
                .as("files the progress went through").isEqualTo(log.stats().files());
    }
}
