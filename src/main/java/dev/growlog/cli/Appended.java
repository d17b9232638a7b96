package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.RecordBatch;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Appends what a {@link RecordSplitter} yields and counts it. Not thread-safe. */
final class Appended {
    /** Most records, and payload bytes, gathered before a batch is appended. */
    static final int BATCH_RECORDS = 1024;
    static final int BATCH_BYTES = 64 * 1024;

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
     * Records go in batches of up to {@value #BATCH_RECORDS} records or {@value #BATCH_BYTES}
     * bytes, and a batch is appended as soon as the next record is not already read in: a
     * record never waits in the process for input that has not arrived. When reading fails,
     * the records read before the failure are appended before it is thrown.
     */
    void appendAll(GrowLog log, RecordSplitter splitter, Progress progress, Appended total) throws IOException {
        long inputBefore = total.inputBytes;
        RecordBatch batch = new RecordBatch(BATCH_BYTES);
        try {
            while (splitter.next()) {
                batch.add(splitter.buffer(), 0, splitter.length());
                if (batch.size() == BATCH_RECORDS || batch.payloadBytes() >= BATCH_BYTES
                        || !splitter.lineBuffered()) {
                    append(log, batch, total);
                    progress.update(inputBefore + splitter.bytesRead(), total.records);
                }
            }
        } catch (IOException e) {
            throw appendAfter(e, log, batch, total);
        } catch (RuntimeException e) {
            throw appendAfter(e, log, batch, total);
        }
        append(log, batch, total);
        progress.update(inputBefore + splitter.bytesRead(), total.records);
        inputBytes += splitter.bytesRead();
        if (total != this) {
            total.inputBytes += splitter.bytesRead();
        }
    }

    /**
     * After reading failed with {@code e}: appends the records read before it, and returns
     * {@code e} (with any failure of that append suppressed in it) to be thrown.
     */
    <E extends Exception> E appendAfter(E e, GrowLog log, RecordBatch batch, Appended total) {
        try {
            append(log, batch, total);
        } catch (IOException | RuntimeException also) {
            e.addSuppressed(also);
        }
        return e;
    }

    /** Appends the batch, if it holds records, counts them and empties it. */
    void append(GrowLog log, RecordBatch batch, Appended total) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        log.append(batch);
        for (int i = 0; i < batch.size(); i++) {
            add(batch.position(i), batch.length(i));
            if (total != this) {
                total.add(batch.position(i), batch.length(i));
            }
        }
        batch.clear();
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
