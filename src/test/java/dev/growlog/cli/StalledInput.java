package dev.growlog.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * Standard input whose writer has gone quiet: gives its bytes, then blocks in {@code read()}
 * until {@link #release()}, and then ends.
 */
final class StalledInput extends InputStream {
    private final ByteArrayInputStream bytes;
    private final CountDownLatch released = new CountDownLatch(1);

    StalledInput(byte[] bytes) {
        this.bytes = new ByteArrayInputStream(bytes.clone());
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (bytes.available() > 0) {
            return bytes.read(b, off, len);
        }
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** Ends the input: a blocked read returns the end of the stream. */
    void release() {
        released.countDown();
    }
}
