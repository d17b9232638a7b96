package dev.growlog.cli;

import java.util.Locale;

/**
 * A one-line progress bar redrawn in place with a carriage return, at most ten times a second.
 * Drawn only when stdout is a terminal; otherwise every method does nothing, so output piped to
 * a file or another program stays clean.
 */
final class Progress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final Output out;
    private final boolean enabled;
    private final String label;
    /** Total units of work, or -1 when unknown (stdin). */
    private final long total;
    private final long startNanos = System.nanoTime();
    /** When the bar was last drawn; the first update draws at once. */
    private long lastDraw = startNanos - REDRAW_NANOS;
    /** Characters drawn by the last redraw, to blank them out. */
    private int drawn;

    private Progress(Output out, boolean enabled, String label, long total) {
        this.out = out;
        this.enabled = enabled;
        this.label = label;
        this.total = total;
    }

    /** A bar for {@code total} bytes (-1 when unknown); inert unless stdout is a terminal. */
    static Progress bytes(Context context, String label, long total) {
        return new Progress(context.out(), context.terminal(), label, total);
    }

    /**
     * Reports {@code done} bytes and {@code records} records so far ({@code records} -1 when not
     * counted); cheap when no redraw is due.
     */
    void update(long done, long records) throws StdoutClosedException {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        StringBuilder line = new StringBuilder(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            line.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%% ", Math.min(100, done * 100 / total)));
        }
        line.append(Units.size(done)).append(total > 0 ? " of " + Units.size(total) : "")
                .append(records >= 0 ? ", " + records + " records" : "")
                .append(", ").append(Units.byteRate(done, now - startNanos));
        String text = line.toString();
        out.print("\r" + text + " ".repeat(Math.max(0, drawn - text.length())));
        out.flush();
        drawn = text.length();
    }

    /** Blanks the bar out so that the summary starts on a clean line. */
    void finish() throws StdoutClosedException {
        if (enabled && drawn > 0) {
            out.print("\r" + " ".repeat(drawn) + "\r");
            drawn = 0;
        }
    }
}
