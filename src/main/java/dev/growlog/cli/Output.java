package dev.growlog.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard output as bytes: record payloads are written exactly as stored, and text is written
 * as UTF-8 into the same buffer, so the two never reorder. Not thread-safe.
 *
 * <p>The first failed write (the reader went away: EPIPE) ends it: every later write or flush
 * throws {@link StdoutClosedException} at once and {@link #flushQuietly()} does nothing, so a
 * command whose reader is gone makes exactly one failed write.
 */
final class Output {
    private final OutputStream out;
    /** The failure of the first write that failed; null while writes succeed. */
    private IOException failed;

    Output(OutputStream out) {
        this.out = new BufferedOutputStream(out, 1 << 16);
    }

    void write(byte[] bytes, int offset, int length) throws StdoutClosedException {
        checkOpen();
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw closed(e);
        }
    }

    void write(byte[] bytes) throws StdoutClosedException {
        write(bytes, 0, bytes.length);
    }

    void write(int b) throws StdoutClosedException {
        checkOpen();
        try {
            out.write(b);
        } catch (IOException e) {
            throw closed(e);
        }
    }

    void print(String text) throws StdoutClosedException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    void println(String line) throws StdoutClosedException {
        print(line);
        write('\n');
    }

    void flush() throws StdoutClosedException {
        checkOpen();
        try {
            out.flush();
        } catch (IOException e) {
            throw closed(e);
        }
    }

    /** Flushes, ignoring a closed stdout: used on the way out, when an error is reported anyway. */
    void flushQuietly() {
        if (failed != null) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            failed = e; // stdout is gone; the exit code and stderr still tell the story
        }
    }

    private void checkOpen() throws StdoutClosedException {
        if (failed != null) {
            throw new StdoutClosedException(failed);
        }
    }

    private StdoutClosedException closed(IOException e) {
        failed = e;
        return new StdoutClosedException(e);
    }
}
