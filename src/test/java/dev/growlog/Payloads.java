package dev.growlog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Test payloads. {@link #numbered(int, int)} makes payloads that say which record they are, so
 * a reader can check a record it finds without knowing which one to expect.
 */
public final class Payloads {
    private Payloads() {
    }

    /** {@code length} pseudo-random bytes determined by {@code seed}. */
    static byte[] random(long seed, int length) {
        byte[] bytes = new byte[length];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** Random bytes of a random length in {@code [min, max]}. */
    static byte[] random(Random random, int min, int max) {
        return random(random.nextLong(), min + random.nextInt(max - min + 1));
    }

    /**
     * A payload of {@code length} bytes (at least 8) that starts with its own number and length
     * and continues with bytes determined by the number.
     */
    public static byte[] numbered(int number, int length) {
        if (length < 8) {
            throw new IllegalArgumentException("numbered payloads need at least 8 bytes: " + length);
        }
        byte[] bytes = random(number * 0x9E3779B97F4A7C15L, length);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(number).putInt(length);
        return bytes;
    }

    /** The number a {@link #numbered} payload carries; throws when the payload is not one intact. */
    public static int numberOf(byte[] payload) {
        if (payload.length < 8) {
            throw new AssertionError("not a numbered payload: " + payload.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        int number = b.getInt();
        int length = b.getInt();
        if (length != payload.length || !Arrays.equals(numbered(number, length), payload)) {
            throw new AssertionError("damaged numbered payload: number=" + number + " length=" + length
                    + " actual length=" + payload.length);
        }
        return number;
    }
}
