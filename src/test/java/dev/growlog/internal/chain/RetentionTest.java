package dev.growlog.internal.chain;

import dev.growlog.RetentionPolicy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The retention plan: which oldest files go before the log grows, and who loses what. */
class RetentionTest {
    private static final long SPAN = 1 << 20;
    private static final long HEADER = 4096;
    private static final long NOW = 1_000_000_000L;
    private static final Duration TIMEOUT = Duration.ofHours(1);

    private static List<Retention.DataFile> files(int count, long bytesEach) {
        List<Retention.DataFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            files.add(new Retention.DataFile(10 + i, bytesEach, NOW));
        }
        return files;
    }

    private static Retention.Limits budget(long bytes, RetentionPolicy policy) {
        return new Retention.Limits(bytes, null, policy, TIMEOUT);
    }

    @Test
    void withinTheBudget_nothingGoes() {
        Retention.Plan plan = Retention.plan(files(3, SPAN), SPAN, HEADER, List.of(),
                budget(4 * SPAN, RetentionPolicy.BLOCK), NOW, SPAN);

        assertThat(plan.drop()).isZero();
        assertThat(plan.refused()).isFalse();
    }

    @Test
    void overTheBudget_theOldestFilesGo_untilTheGrowthFits() {
        Retention.Plan plan = Retention.plan(files(5, SPAN), SPAN, HEADER, List.of(),
                budget(4 * SPAN, RetentionPolicy.BLOCK), NOW, SPAN / 2);

        assertThat(plan.drop()).isEqualTo(2); // 5.5 files' worth must fit in 4
        assertThat(plan.refused()).isFalse();
        assertThat(plan.lost()).isEmpty();
    }

    @Test
    void underBlock_aLiveCursorInTheOldestFile_refusesTheGrowth_andSaysWhoHoldsIt() {
        Retention.Cursor shipper = new Retention.Cursor("shipper", 10 * SPAN + HEADER + 64, NOW - 1000);

        Retention.Plan plan = Retention.plan(files(4, SPAN), SPAN, HEADER, List.of(shipper),
                budget(4 * SPAN, RetentionPolicy.BLOCK), NOW, SPAN);

        assertThat(plan.drop()).isZero();
        assertThat(plan.refused()).isTrue();
        assertThat(plan.reason()).contains("'shipper'").contains(String.valueOf(shipper.position()))
                .contains("file 10");
        assertThat(plan.lost()).isEmpty();
    }

    @Test
    void underBlock_aCursorPastTheOldestFile_letsItGo_butHoldsTheNext() {
        Retention.Cursor shipper = new Retention.Cursor("shipper", 11 * SPAN + HEADER, NOW);

        Retention.Plan plan = Retention.plan(files(5, SPAN), SPAN, HEADER, List.of(shipper),
                budget(4 * SPAN, RetentionPolicy.BLOCK), NOW, SPAN);

        assertThat(plan.drop()).isEqualTo(1);
        assertThat(plan.refused()).isTrue(); // one file freed, two needed
        assertThat(plan.reason()).contains("file 11");
    }

    @Test
    void underDropOldest_aLaggingCursor_isToldTheExactRangeItLost() {
        Retention.Cursor shipper = new Retention.Cursor("shipper", 10 * SPAN + HEADER + 64, NOW);
        Retention.Cursor current = new Retention.Cursor("current", 14 * SPAN + HEADER, NOW);

        Retention.Plan plan = Retention.plan(files(5, SPAN), SPAN, HEADER, List.of(shipper, current),
                budget(4 * SPAN, RetentionPolicy.DROP_OLDEST), NOW, SPAN);

        assertThat(plan.drop()).isEqualTo(2);
        assertThat(plan.refused()).isFalse();
        assertThat(plan.lost()).containsExactly(new Retention.Lost("shipper", shipper.position(), 12 * SPAN + HEADER));
    }

    @Test
    void anAbandonedCursor_holdsNothing_evenUnderBlock() {
        Retention.Cursor gone = new Retention.Cursor("gone", 10 * SPAN + HEADER, NOW - TIMEOUT.toMillis() - 1);

        Retention.Plan plan = Retention.plan(files(5, SPAN), SPAN, HEADER, List.of(gone),
                budget(4 * SPAN, RetentionPolicy.BLOCK), NOW, SPAN);

        assertThat(plan.drop()).isEqualTo(2);
        assertThat(plan.refused()).isFalse();
        assertThat(plan.lost()).containsExactly(new Retention.Lost("gone", gone.position(), 12 * SPAN + HEADER));
    }

    @Test
    void filesOlderThanTheAgeLimit_go_withoutABudget() {
        List<Retention.DataFile> files = List.of(new Retention.DataFile(0, SPAN, NOW - 10_000),
                new Retention.DataFile(1, SPAN, NOW - 9_000), new Retention.DataFile(2, SPAN, NOW - 1_000),
                new Retention.DataFile(3, SPAN, NOW - 10_000)); // the current file: never goes
        Retention.Limits limits = new Retention.Limits(Retention.UNLIMITED, Duration.ofSeconds(5),
                RetentionPolicy.BLOCK, TIMEOUT);

        Retention.Plan plan = Retention.plan(files, SPAN, HEADER, List.of(), limits, NOW, SPAN);

        assertThat(plan.drop()).isEqualTo(2);
        assertThat(plan.refused()).isFalse();
    }

    @Test
    void theWritersCurrentFile_neverGoes() {
        Retention.Plan plan = Retention.plan(files(1, 3 * SPAN), SPAN, HEADER, List.of(),
                budget(2 * SPAN, RetentionPolicy.DROP_OLDEST), NOW, SPAN);

        assertThat(plan.drop()).isZero();
        assertThat(plan.refused()).isTrue();
    }

    /** One generated situation. */
    record Situation(List<Retention.DataFile> files, List<Retention.Cursor> cursors, long budget, long growth,
                     RetentionPolicy policy) {
    }

    @Provide
    Arbitrary<Situation> situations() {
        Arbitrary<List<Long>> sizes = Arbitraries.longs().between(HEADER, SPAN).list().ofMinSize(1).ofMaxSize(12);
        Arbitrary<List<Long>> positions = Arbitraries.longs().between(0, 12 * SPAN).list().ofMaxSize(4);
        Arbitrary<List<Boolean>> live = Arbitraries.of(true, false).list().ofSize(4);
        return Combinators.combine(sizes, positions, live, Arbitraries.longs().between(2 * SPAN, 14 * SPAN),
                Arbitraries.longs().between(0, SPAN), Arbitraries.of(RetentionPolicy.class)).as(
                (s, p, l, budget, growth, policy) -> {
                    List<Retention.DataFile> files = new ArrayList<>();
                    for (int i = 0; i < s.size(); i++) {
                        files.add(new Retention.DataFile(i, s.get(i), NOW));
                    }
                    List<Retention.Cursor> cursors = new ArrayList<>();
                    for (int i = 0; i < p.size(); i++) {
                        long commit = l.get(i) ? NOW : NOW - TIMEOUT.toMillis() - 1;
                        cursors.add(new Retention.Cursor("c" + i, p.get(i), commit));
                    }
                    return new Situation(files, cursors, budget, growth, policy);
                });
    }

    @Property(tries = 500)
    void aPlan_keepsTheBudget_whenItDoesNotRefuse_andNeverTakesWhatALiveCursorNeedsUnderBlock(
            @ForAll("situations") Situation s) {
        Retention.Plan plan = Retention.plan(s.files(), SPAN, HEADER, s.cursors(),
                budget(s.budget(), s.policy()), NOW, s.growth());

        assertThat(plan.drop()).isBetween(0, s.files().size() - 1);
        long kept = s.files().subList(plan.drop(), s.files().size()).stream()
                .mapToLong(Retention.DataFile::diskBytes).sum();
        if (!plan.refused()) {
            assertThat(kept + s.growth()).isLessThanOrEqualTo(s.budget());
        }
        if (plan.drop() > 0) {
            // Nothing went that was not needed: without the last dropped file the growth did not fit.
            long withLast = kept + s.files().get(plan.drop() - 1).diskBytes();
            assertThat(withLast + s.growth()).isGreaterThan(s.budget());
        }
        long newStart = s.files().get(plan.drop()).index() * SPAN + HEADER;
        for (Retention.Cursor cursor : s.cursors()) {
            boolean lost = plan.drop() > 0 && cursor.position() < newStart;
            if (lost && s.policy() == RetentionPolicy.BLOCK) {
                assertThat(cursor.lastCommitMillis()).as("only abandoned cursors lose under BLOCK")
                        .isLessThan(NOW - TIMEOUT.toMillis());
            }
            assertThat(plan.lost().contains(new Retention.Lost(cursor.name(), cursor.position(), newStart)))
                    .as("%s is told what it lost", cursor.name()).isEqualTo(lost);
        }
    }
}
