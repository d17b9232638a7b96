package dev.growlog.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard output as bytes: record payloads are written exactly as stored, and text is written
 * as UTF-8 into the same buffer, so the two never reorder. Not thread-safe.
 */
final class Output {
    private final OutputStream out;

    Output(OutputStream out) {
        this.out = new BufferedOutputStream(out, 1 << 16);
    }

    void write(byte[] bytes, int offset, int length) throws StdoutClosedException {
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw new StdoutClosedException(e);
        }
    }

    void write(byte[] bytes) throws StdoutClosedException {
        write(bytes, 0, bytes.length);
    }

    void write(int b) throws StdoutClosedException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new StdoutClosedException(e);
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
        try {
            out.flush();
        } catch (IOException e) {
            throw new StdoutClosedException(e);
        }
    }

    /** Flushes, ignoring a closed stdout: used on the way out, when an error is reported anyway. */
    void flushQuietly() {
        try {
            out.flush();
        } catch (IOException e) {
            // stdout is gone; the exit code and stderr still tell the story
        }
    }
}
