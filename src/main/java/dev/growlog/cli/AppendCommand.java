package dev.growlog.cli;

import dev.growlog.GrowLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
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
                    + " under the working directory."})
final class AppendCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

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
        try (GrowLog growLog = LogFiles.openForWriting(logFile)) {
            Appended appended = new Appended();
            if (binary) {
                appendBinary(growLog, appended, context);
            } else {
                RecordSplitter lines = new RecordSplitter(context.in(), null, growLog.maxPayload(), "stdin");
                appended.appendAll(growLog, lines, Progress.bytes(context, "append", -1), appended);
            }
            long end = growLog.endPosition();
            out.println("appended " + appended.counts() + " to " + logFile
                    + (appended.records == 0 ? "" : " at positions " + appended.first + ".." + appended.last)
                    + ", end position " + end);
            if (durable) {
                growLog.sync();
                out.println("durable: synced through position " + end);
            }
        }
        return ExitCodes.OK;
    }

    /** Reads {@code length (4 bytes, big-endian) + bytes} records until stdin ends at a record boundary. */
    private static void appendBinary(GrowLog log, Appended appended, Context context) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(context.in(), 1 << 16));
        byte[] buffer = new byte[4096];
        while (true) {
            int first = in.read();
            if (first < 0) {
                return; // stdin ended between records
            }
            long record = appended.records + 1;
            int length;
            try {
                length = first << 24 | in.readUnsignedByte() << 16 | in.readUnsignedShort();
            } catch (EOFException e) {
                throw new CliException(ExitCodes.USAGE, "stdin ends inside the length prefix of record " + record, e);
            }
            if (length < 0 || length > log.maxPayload()) {
                throw new CliException(ExitCodes.USAGE, "stdin: record " + record + " declares length "
                        + Integer.toUnsignedString(length) + ", outside 0.." + log.maxPayload()
                        + " (the largest record of this log)");
            }
            if (buffer.length < length) {
                buffer = new byte[Math.max(length, (int) Math.min(log.maxPayload(), 2L * buffer.length))];
            }
            try {
                in.readFully(buffer, 0, length);
            } catch (EOFException e) {
                throw new CliException(ExitCodes.USAGE, "stdin ends inside record " + record + ": its length "
                        + "prefix says " + length + " bytes; nothing of it was appended", e);
            }
            appended.add(log.append(buffer, 0, length), length);
        }
    }
}
