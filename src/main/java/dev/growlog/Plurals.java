package dev.growlog;

/** Counts in report texts: "1 record", "2 records". */
final class Plurals {
    private Plurals() {
    }

    /** {@code n} and the noun, in -s when {@code n} is not 1. */
    static String count(long n, String singular) {
        return n + " " + (n == 1 ? singular : singular + "s");
    }
}
