package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.RecordBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code growlog append}: records from stdin, as lines or length-prefixed binary. */
@Command(name = "append",
        description = {
            "Append records from stdin, as lines or length-prefixed binary.",
            "Records are read one per line (the line's bytes without its LF), or with --binary "
                    + "length-prefixed (a 4-byte big-endian length, then that many bytes; repeated to the end).",
            "A record is 'appended' when it is in the log: it survives this process being killed, not a power "
                    + "loss. With --durable the log is synced after the last record and the durable position "
                    + "is reported: the records then survive power loss. (Closing the log at a normal exit "
                    + "syncs it too; --durable makes the sync explicit, checked and reported.)",
            "Without --log, writes $" + Context.LOG_ENV + ", or else " + Context.DEFAULT_LOG
                    + " under the working directory.",
            "Ctrl-C (SIGINT) or SIGTERM stops reading: the whole records already read are appended (one cut off "
                    + "is not, and stderr says so), synced with --durable, the log is closed and the summary "
                    + "printed; exit code 130 or 143."})
final class AppendCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

    @Mixin
    private RetentionOptions retention;

    @Option(names = "--log", paramLabel = "PATH", description = "Log to append to (created if absent).")
    private Path log;

    @Option(names = "--durable", description = "Sync the log after the last record, and report it.")
    private boolean durable;

    @Option(names = "--binary", description = "Read length-prefixed records instead of lines.")
    private boolean binary;

    @Override
    public Integer call() throws IOException {
        Context context = parent.context();
        Path logFile = log == null ? context.defaultLog() : context.resolve(log);
        Output out = context.out();
        try (GrowLog growLog = LogFiles.openForWriting(logFile, retention.config())) {
            Appended appended = new Appended();
            InputStream stdin = StoppableInput.stdin(context);
            RuntimeException failure = null;
            String cutOff = null;
            try {
                if (binary) {
                    cutOff = appendBinary(growLog, appended, stdin);
                } else {
                    RecordSplitter lines = new RecordSplitter(stdin, null, growLog.maxPayload(), "<stdin>");
                    appended.appendAll(growLog, lines, Progress.bytes(context, "append", -1), appended);
                    if (lines.incompleteLine() > 0) {
                        cutOff = Appended.cutOff("line " + lines.incompleteLine() + " of <stdin>",
                                lines.incompleteBytes());
                    }
                }
            } catch (StdoutClosedException e) {
                throw e;
            } catch (CliException e) {
                failure = binary ? e : Appended.inputFailure(e);
            } catch (IOException e) {
                failure = Appended.inputFailure(e);
            }
            try {
                long end = growLog.endPosition();
                out.println("appended " + appended.counts() + " to " + logFile + (appended.records == 0 ? ""
                        : " at positions " + appended.first + ".." + appended.last) + ", end position " + end);
                if (durable && (failure == null || failure instanceof CliException)) {
                    growLog.sync();
                    out.println("durable: synced through position " + end);
                }
            } catch (IOException | RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
            if (cutOff != null) {
                context.err().println("growlog: " + cutOff);
            }
            if (failure != null) {
                throw failure;
            }
        }
        return context.stopRequested() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
    }

    /** An input that counts the bytes read of the record being read. */
    private static final class Framed {
        private final BufferedInputStream in;
        /** Bytes of the current record read so far. */
        int taken;

        Framed(BufferedInputStream in) {
            this.in = in;
        }

        /** Reads {@code length} bytes into {@code b}; fewer only at the end of the input. */
        int readFully(byte[] b, int length) throws IOException {
            int got = 0;
            while (got < length) {
                int n = in.read(b, got, length - got);
                if (n < 0) {
                    break;
                }
                got += n;
                taken += n;
            }
            return got;
        }

        /** Whether the whole next record (prefix and bytes) can be read without waiting for input. */
        boolean nextRecordBuffered() throws IOException {
            if (in.available() < 4) {
                return false;
            }
            in.mark(4);
            int length = (in.read() << 24) | (in.read() << 16) | (in.read() << 8) | in.read();
            in.reset();
            return length >= 0 && in.available() >= 4L + length;
        }
    }

    /**
     * Reads {@code length (4 bytes, big-endian) + bytes} records until stdin ends at a record
     * boundary or a stop is requested, appending them in batches that never wait for input that
     * has not arrived. Returns what to say about a record a stop cut off, or null.
     */
    private static String appendBinary(GrowLog log, Appended appended, InputStream stdin) throws IOException {
        Framed in = new Framed(new BufferedInputStream(stdin, 1 << 16));
        RecordBatch batch = new RecordBatch(Appended.BATCH_BYTES);
        String cutOff;
        try {
            cutOff = readBinary(log, appended, in, batch);
        } catch (IOException e) {
            throw appended.appendAfter(e, log, batch, appended);
        } catch (RuntimeException e) {
            throw appended.appendAfter(e, log, batch, appended);
        }
        appended.append(log, batch, appended);
        return cutOff;
    }

    private static String readBinary(GrowLog log, Appended appended, Framed in, RecordBatch batch)
            throws IOException {
        byte[] prefix = new byte[4];
        byte[] buffer = new byte[4096];
        while (true) {
            long record = appended.records + batch.size() + 1;
            in.taken = 0;
            int length;
            try {
                int got = in.readFully(prefix, 4);
                if (got == 0) {
                    return null; // stdin ended between records
                }
                if (got < 4) {
                    throw new CliException(ExitCodes.USAGE, "stdin ends inside the length prefix of record " + record);
                }
                length = ByteBuffer.wrap(prefix).getInt();
                if (length < 0 || length > log.maxPayload()) {
                    throw new CliException(ExitCodes.USAGE, "stdin: record " + record + " declares length "
                            + Integer.toUnsignedString(length) + ", outside 0.." + log.maxPayload()
                            + " (the largest record of this log)");
                }
                if (buffer.length < length) {
                    buffer = new byte[Math.max(length, (int) Math.min(log.maxPayload(), 2L * buffer.length))];
                }
                if (in.readFully(buffer, length) < length) {
                    throw new CliException(ExitCodes.USAGE, "stdin ends inside record " + record + ": its length "
                            + "prefix says " + length + " bytes; nothing of it was appended");
                }
            } catch (InputStoppedException e) {
                return in.taken == 0 ? null : Appended.cutOff("record " + record + " of <stdin>", in.taken);
            }
            batch.add(buffer, 0, length);
            if (batch.size() == Appended.BATCH_RECORDS || batch.payloadBytes() >= Appended.BATCH_BYTES
                    || !in.nextRecordBuffered()) {
                appended.append(log, batch, appended);
            }
        }
    }
}
