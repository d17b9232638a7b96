package dev.growlog.cli;

import java.util.Locale;

/** Numbers for people: sizes in binary units, rates in decimal ones (as disks and networks quote them). */
final class Units {
    private Units() {
    }

    /** {@code count(1, "record")} is {@code "1 record"}, {@code count(2, "record")} is {@code "2 records"}. */
    static String count(long n, String singular) {
        return n + " " + noun(n, singular);
    }

    /** The noun for {@code n} things: {@code singular}, or its plural in -s. */
    static String noun(long n, String singular) {
        return n == 1 ? singular : singular + "s";
    }

    /** {@code 6815744} as {@code "6.5 MiB"}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** Bytes per second as {@code "12.5 MB/s"}. */
    static String byteRate(long bytes, long nanos) {
        double perSecond = bytes * 1e9 / Math.max(1, nanos);
        if (perSecond >= 1e9) {
            return String.format(Locale.ROOT, "%.2f GB/s", perSecond / 1e9);
        }
        return String.format(Locale.ROOT, "%.1f MB/s", perSecond / 1e6);
    }

    /** Events per second as {@code "1,234,567 records/s"}. */
    static String rate(long count, long nanos, String what) {
        return String.format(Locale.ROOT, "%,.0f %s/s", count * 1e9 / Math.max(1, nanos), what);
    }

    /** Seconds with millisecond precision. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** Nanoseconds as microseconds, e.g. {@code "7.700 us"} (ASCII, for any terminal). */
    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.3f us", nanos / 1e3);
    }
}
