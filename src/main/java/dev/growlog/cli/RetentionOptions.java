package dev.growlog.cli;

import dev.growlog.GrowLogConfig;
import dev.growlog.RetentionPolicy;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of the commands that write a log ({@code ingest}, {@code append}): how large its
 * files are and what it keeps on disk. Without them a log keeps everything.
 */
final class RetentionOptions {
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
    private static final long MIN_SEGMENT = 64 * 1024;
    private static final long DEFAULT_SEGMENT = 64L << 20;

    @Option(names = "--roll-size", paramLabel = "SIZE",
            description = "Positions each data file of a new log covers, e.g. 64m (default 256m); an existing "
                    + "log keeps its own. Below 128m the segments, and so the largest record, are half of it, and a "
                    + "new file starts at most one segment long.")
    private String rollSize;

    @Option(names = "--retain-bytes", paramLabel = "SIZE",
            description = "Disk budget of the whole log, e.g. 10g: the oldest files are deleted to stay within "
                    + "it (at least two files).")
    private String retainBytes;

    @Option(names = "--retain-age", paramLabel = "AGE",
            description = "Delete files whose newest record is older than AGE, e.g. 7d, 12h, 30m.")
    private String retainAge;

    @Option(names = "--retention-policy", paramLabel = "POLICY",
            description = "When a cursor still needs the oldest file: block (appends fail until it moves on; "
                    + "default) or drop-oldest (the cursor is told what it lost).")
    private String policy;

    @Option(names = "--cursor-timeout", paramLabel = "AGE",
            description = "A cursor not committed for this long keeps no file (default 24h).")
    private String cursorTimeout;

    /** The configuration these options ask for; usage errors for values that make no sense. */
    GrowLogConfig config() {
        GrowLogConfig.Builder b = GrowLogConfig.builder();
        try {
            if (rollSize != null) {
                long roll = size("--roll-size", rollSize);
                // Two segments at least to a file: smaller files get smaller segments (and records).
                long half = Long.highestOneBit(Math.max(1, roll / 2));
                long segment = Math.max(MIN_SEGMENT, Math.min(DEFAULT_SEGMENT, half));
                b.rollSize(roll).segmentSize((int) segment).initialSize(Math.min(1L << 20, segment));
            }
            if (retainBytes != null) {
                b.retentionBytes(size("--retain-bytes", retainBytes));
            }
            if (retainAge != null) {
                b.retentionAge(duration("--retain-age", retainAge));
            }
            if (policy != null) {
                b.retentionPolicy(policy(policy));
            }
            if (cursorTimeout != null) {
                b.cursorTimeout(duration("--cursor-timeout", cursorTimeout));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** {@code 123}, {@code 64k}, {@code 64m}, {@code 10g}, {@code 1t} (binary units; a trailing B or iB is allowed). */
    static long size(String option, String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new CliException(ExitCodes.USAGE, option + ": not a size: '" + text + "' (e.g. 4096, 64m, 10g)");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, option + ": too large: '" + text + "'", e);
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 12h}, {@code 7d}. */
    static Duration duration(String option, String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new CliException(ExitCodes.USAGE, option + ": not a duration: '" + text + "' (e.g. 30m, 12h, 7d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static RetentionPolicy policy(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "block":
                return RetentionPolicy.BLOCK;
            case "drop-oldest":
                return RetentionPolicy.DROP_OLDEST;
            default:
                throw new CliException(ExitCodes.USAGE, "--retention-policy: '" + text
                        + "' is not block or drop-oldest");
        }
    }
}
