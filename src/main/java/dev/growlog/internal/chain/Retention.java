package dev.growlog.internal.chain;

import dev.growlog.RetentionPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides which of a log's oldest files to delete before its disk use grows: a stateless
 * calculation over the files, the durable cursors and the limits, made by the writer before
 * every growth and every roll, so that the budget holds at every moment and after a restart
 * (it is computed from what is on disk, never from counters kept in memory).
 *
 * <p>Files go oldest first and only whole; the writer's current file never goes. A file goes
 * when the budget needs its space or when it is older than the age limit. A cursor that still
 * needs a record in it (its position lies before the file's end) and has committed within the
 * cursor timeout keeps it under {@link RetentionPolicy#BLOCK}; under
 * {@link RetentionPolicy#DROP_OLDEST} the file goes anyway and the plan says which range the
 * cursor lost. A cursor silent for longer than the timeout is abandoned and keeps nothing.
 */
final class Retention {
    /** No budget. */
    static final long UNLIMITED = Long.MAX_VALUE;

    /**
     * The limits: a budget in bytes on disk for the whole log ({@link #UNLIMITED} for none), a
     * maximum age of a file's newest record (null for none), the policy, and how long a
     * cursor may go without a commit before it stops holding files.
     */
    record Limits(long budgetBytes, Duration maxAge, RetentionPolicy policy, Duration cursorTimeout) {
        Limits {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(cursorTimeout, "cursorTimeout");
        }
    }

    /**
     * One data file: its index in the chain (it holds positions {@code [index * span, (index +
     * 1) * span)}), the bytes it takes on disk (blocks reserved ahead included), and when it was
     * last written, in epoch milliseconds.
     */
    record DataFile(long index, long diskBytes, long lastWriteMillis) {
    }

    /** A durable cursor: the position it will read next and when it last committed. */
    record Cursor(String name, long position, long lastCommitMillis) {
    }

    /** A cursor's lost records: those in [from, to). */
    record Lost(String cursor, long from, long to) {
    }

    /**
     * What to do: delete the {@code drop} oldest files; if {@code refused}, the growth still does
     * not fit the budget ({@code reason} says why, naming the cursor that holds the oldest
     * file), else it does; {@code lost} lists cursors that lose records by the deletion.
     */
    record Plan(int drop, boolean refused, String reason, List<Lost> lost) {
    }

    private Retention() {
    }

    /**
     * Plans the deletions that let the log grow by {@code growthBytes} on disk.
     *
     * @param files       the data files, oldest first; the last is the writer's current file
     * @param span        positions each file covers
     * @param firstRecord offset of a file's first record from its base (the header size)
     * @param cursors     the durable cursors
     * @param limits      budget, age, policy and cursor timeout
     * @param nowMillis   the current time
     * @param growthBytes disk bytes about to be added (growth of the current file, or a new file)
     * @return the plan
     */
    static Plan plan(List<DataFile> files, long span, long firstRecord, List<Cursor> cursors, Limits limits,
                     long nowMillis, long growthBytes) {
        long used = 0;
        for (DataFile file : files) {
            used += file.diskBytes();
        }
        long excess = used + growthBytes - limits.budgetBytes(); // negative without a budget
        long oldest = limits.maxAge() == null ? Long.MIN_VALUE : nowMillis - limits.maxAge().toMillis();
        int drop = 0;
        String reason = null;
        for (; drop < files.size() - 1; drop++) {
            DataFile file = files.get(drop);
            if (excess <= 0 && file.lastWriteMillis() >= oldest) {
                break;
            }
            Cursor holder = holder(file, span, cursors, limits, nowMillis);
            if (holder != null && limits.policy() == RetentionPolicy.BLOCK) {
                reason = "cursor '" + holder.name() + "' at position " + holder.position() + " still needs file "
                        + file.index() + " (positions " + file.index() * span + ".." + ((file.index() + 1) * span)
                        + ")";
                break;
            }
            excess -= file.diskBytes();
        }
        boolean refused = excess > 0;
        if (refused && reason == null) {
            reason = "the writer's current file alone takes the room"; // a budget of two files or more never gets here
        }
        List<Lost> lost = new ArrayList<>();
        if (drop > 0) {
            long newStart = files.get(drop).index() * span + firstRecord;
            for (Cursor cursor : cursors) {
                if (cursor.position() < newStart) {
                    lost.add(new Lost(cursor.name(), cursor.position(), newStart));
                }
            }
        }
        return new Plan(drop, refused, refused ? reason : null, List.copyOf(lost));
    }

    /** The first live cursor that needs a record in {@code file}, or null. */
    private static Cursor holder(DataFile file, long span, List<Cursor> cursors, Limits limits, long nowMillis) {
        long fileEnd = (file.index() + 1) * span;
        long abandonedBefore = nowMillis - limits.cursorTimeout().toMillis();
        for (Cursor cursor : cursors) {
            if (cursor.position() < fileEnd && cursor.lastCommitMillis() >= abandonedBefore) {
                return cursor;
            }
        }
        return null;
    }
}
