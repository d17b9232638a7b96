package dev.growlog.cli;

import dev.growlog.GrowLog;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Appends what a {@link RecordSplitter} yields and counts it. Not thread-safe. */
final class Appended {
    /** Records appended. */
    long records;
    /** Payload bytes appended. */
    long bytes;
    /** Input bytes consumed (payload plus line terminators). */
    long inputBytes;
    /** Positions of the first and last record appended; -1 before the first. */
    long first = -1;
    long last = -1;

    /**
     * Appends every record of {@code splitter} to {@code log}, counting here and in {@code total}
     * (which may be this object), and reports progress in input bytes across all inputs.
     */
    void appendAll(GrowLog log, RecordSplitter splitter, Progress progress, Appended total) throws IOException {
        long inputBefore = total.inputBytes;
        while (splitter.next()) {
            long position = log.append(splitter.buffer(), 0, splitter.length());
            add(position, splitter.length());
            if (total != this) {
                total.add(position, splitter.length());
            }
            progress.update(inputBefore + splitter.bytesRead(), total.records);
        }
        inputBytes += splitter.bytesRead();
        if (total != this) {
            total.inputBytes += splitter.bytesRead();
        }
    }

    /**
     * What a command prints on stderr when a stop cut a record off: {@code where} it was (such
     * as {@code "line 3 of <stdin>"}) and how many of its bytes were read and left out.
     */
    static String cutOff(String where, long bytes) {
        return "stopped by a signal inside " + where + ": its " + Units.count(bytes, "byte") + " read so far "
                + (bytes == 1 ? "was" : "were") + " not appended";
    }

    /**
     * A failure met while reading or appending records, made ready to be thrown after the
     * summary: a line the splitter refused says that the records before it are in the log.
     */
    static RuntimeException inputFailure(Exception e) {
        if (e instanceof CliException) {
            CliException refused = (CliException) e;
            return new CliException(refused.exitCode(), refused.getMessage() + "; the records before it were appended",
                    refused);
        }
        return new UncheckedIOException((IOException) e);
    }

    /** The one-line summary's counts: {@code "2 records, 6 bytes"}. */
    String counts() {
        return Units.count(records, "record") + ", " + Units.count(bytes, "byte");
    }

    void add(long position, int length) {
        if (first < 0) {
            first = position;
        }
        last = position;
        records++;
        bytes += length;
    }
}
