package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.Damage;
import dev.growlog.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code growlog verify}: reads every record and checks it. */
@Command(name = "verify",
        description = {
            "Check every record of a log against its checksum.",
            "Checks a whole log: read every record from the first to the end and validate its length and "
                    + "CRC32C, going on past damage. Prints records, bytes and the end position; exit code 1 "
                    + "names every damaged range.",
            "Opens the log read-only and changes nothing; a writer may be appending meanwhile (verify checks "
                    + "up to the end it finds)."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

    @Parameters(index = "0", paramLabel = "LOG", description = "The log (its directory).")
    private Path log;

    @Override
    public Integer call() throws IOException {
        Context context = parent.context();
        Path file = context.resolve(log);
        VerifyReport result;
        long nanos;
        try (GrowLog growLog = LogFiles.openReadOnly(file)) {
            long start = growLog.startPosition();
            Progress progress = Progress.bytes(context, "verify", growLog.endPosition() - start);
            long began = System.nanoTime();
            try {
                result = growLog.verify(position -> {
                    if (context.stopRequested()) {
                        throw new CliException(ExitCodes.INTERRUPTED, "verify stopped at position " + position);
                    }
                    try {
                        progress.update(position - start, -1);
                    } catch (StdoutClosedException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            nanos = System.nanoTime() - began;
            progress.finish();
        }
        context.out().println("verified " + file + ": " + Units.count(result.records(), "record") + ", "
                + Units.count(result.payloadBytes(), "payload byte") + ", end position " + result.endPosition()
                + " in " + Units.seconds(nanos) + " (" + Units.byteRate(result.payloadBytes(), nanos) + "): "
                + (result.clean() ? "OK" : "DAMAGED"));
        for (Damage damage : result.damage()) {
            context.out().println(damage.toString());
        }
        if (!result.clean()) {
            throw damaged(file, result.damage());
        }
        return ExitCodes.OK;
    }

    private static CliException damaged(Path file, List<Damage> damage) {
        String positions = damage.stream().map(d -> Long.toString(d.position())).collect(Collectors.joining(", "));
        return new CliException(ExitCodes.CORRUPT, Units.count(damage.size(), "damaged range")
                + " in " + file + " at position" + (damage.size() == 1 ? " " : "s ") + positions + "; the first: "
                + damage.get(0).reason() + " (repair with 'growlog recover --skip-corrupt' or --truncate-corrupt)");
    }
}
