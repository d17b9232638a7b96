package dev.growlog.bench;

import dev.growlog.internal.format.RecordFormat;

import java.util.SplittableRandom;

/** Payload bytes and record sizes shared by every benchmark. */
final class Payloads {
    /** Fixed seed: every run and every peer frames the same bytes. */
    private static final long SEED = 0x5EED_10C5L;

    private Payloads() {
    }

    /** {@code size} random bytes (incompressible, so no layer can shortcut them). */
    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(SEED ^ size).nextBytes(bytes);
        return bytes;
    }

    /** Bytes a record with this payload occupies in the growlog framing. */
    static int recordSize(int payload) {
        return (int) RecordFormat.recordSize(payload);
    }
}
