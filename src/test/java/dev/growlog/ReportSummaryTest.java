package dev.growlog;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-line summaries of recovery and repair that the library and the command line print. */
class ReportSummaryTest {
    private static final Damage ONE = new Damage(4432, 336, "checksum mismatch");

    @Test
    void aDamagedRange_readsAsItsPositionLengthAndReason() {
        assertThat(ONE).hasToString("damage at 4432 (336 bytes): checksum mismatch");
    }

    @Test
    void repairSummary_countsOneThingInTheSingular() {
        RepairReport skip = new RepairReport(RepairMode.SKIP, List.of(ONE), 1, 0, 5000, 5000);
        assertThat(skip.summary()).isEqualTo("skipped 1 damaged range, kept 1 record, end 5000");
        RepairReport cut = new RepairReport(RepairMode.TRUNCATE, List.of(ONE), 1, 1, 5000, 4432);
        assertThat(cut.summary())
                .isEqualTo("cut the log at 4432 (first damage): kept 1 record, dropped 1 valid record after it; "
                        + "1 damaged range");
    }

    @Test
    void repairSummary_countsManyInThePlural() {
        RepairReport skip = new RepairReport(RepairMode.SKIP, List.of(ONE, ONE), 3, 0, 5000, 5000);
        assertThat(skip.summary()).isEqualTo("skipped 2 damaged ranges, kept 3 records, end 5000");
        RepairReport clean = new RepairReport(RepairMode.SKIP, List.of(), 0, 0, 5000, 5000);
        assertThat(clean.summary()).isEqualTo("no damage found; kept 0 records, end 5000");
    }

    @Test
    void recoverySummary_countsOneRecordInTheSingular() {
        RecoveryReport report = new RecoveryReport(false, 4096, 4096, 1, 4432, false, null, 0, List.of(ONE));
        assertThat(report.summary()).isEqualTo("unclean shutdown; scanned from 4096 (checkpoint), kept 1 record after"
                + " it, end 4432; nothing dropped; 1 damaged range left in place, the first at 4432 (see verify and repair)");
    }
}
