package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.LogReader;
import dev.growlog.error.CorruptLogException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code growlog verify}: reads every record and checks it. */
@Command(name = "verify",
        description = {
            "Check every record of a log against its checksum.",
            "Checks a whole log: read every record from the first to the end and validate its length and "
                    + "CRC32C. Prints records, bytes and the end position; exit code 1 names the position of a "
                    + "damaged record.",
            "Opens the log read-only and changes nothing; a writer may be appending meanwhile (verify checks "
                    + "up to the end it finds)."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

    @Parameters(index = "0", paramLabel = "LOG", description = "The log file.")
    private Path log;

    /**
     * What a scan found.
     *
     * @param records data records that passed validation
     * @param bytes   their payload bytes
     * @param end     where the scan ended: the log's end, or the first damaged record
     * @param damage  damaged records, in position order; empty when the log is sound
     */
    record Result(long records, long bytes, long end, List<CorruptLogException> damage) {
    }

    @Override
    public Integer call() throws IOException {
        Context context = parent.context();
        Path file = context.resolve(log);
        Result result;
        long nanos;
        try (GrowLog growLog = LogFiles.openReadOnly(file)) {
            Progress progress = Progress.bytes(context, "verify", growLog.endPosition() - growLog.startPosition());
            long start = System.nanoTime();
            result = scan(growLog, progress);
            nanos = System.nanoTime() - start;
            progress.finish();
        }
        context.out().println("verified " + file + ": " + result.records() + " records, " + result.bytes()
                + " payload bytes, end position " + result.end() + " in " + Units.seconds(nanos) + " ("
                + Units.byteRate(result.bytes(), nanos) + "): " + (result.damage().isEmpty() ? "OK" : "DAMAGED"));
        if (!result.damage().isEmpty()) {
            throw damaged(file, result);
        }
        return ExitCodes.OK;
    }

    /**
     * Reads every record from the first. This version stops at the first damaged record, since
     * the library's reader cannot step past one; a library scan that continues past damage would
     * replace this method alone.
     */
    static Result scan(GrowLog log, Progress progress) throws IOException {
        long records = 0;
        long bytes = 0;
        try (LogReader reader = log.reader(log.startPosition())) {
            try {
                while (reader.next()) {
                    records++;
                    bytes += reader.length();
                    progress.update(reader.nextPosition() - log.startPosition(), records);
                }
            } catch (CorruptLogException e) {
                return new Result(records, bytes, e.position(), List.of(e));
            }
            return new Result(records, bytes, reader.nextPosition(), List.of());
        }
    }

    private static CliException damaged(Path file, Result result) {
        List<CorruptLogException> damage = result.damage();
        if (damage.size() == 1) {
            return new CliException(ExitCodes.CORRUPT, damage.get(0).getMessage(), damage.get(0));
        }
        String positions = damage.stream().map(e -> Long.toString(e.position())).collect(Collectors.joining(", "));
        return new CliException(ExitCodes.CORRUPT, damage.size() + " damaged records in " + file + " at positions "
                + positions + "; the first: " + damage.get(0).getMessage(), damage.get(0));
    }
}
