package dev.growlog.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The {@code growlog} command: moves log lines into a growlog file and looks inside one.
 * {@link #commandLine(Context)} wires the subcommands, the error reporting and the exit codes;
 * {@link #main(String[])} runs it on the process's own streams and lets SIGINT and SIGTERM stop
 * it cleanly ({@link StopOnSignal}).
 */
@Command(name = "growlog",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = GrowlogCommand.Version.class,
        description = "An append-only log file that grows while it is memory-mapped: ingest log lines into it, "
                + "read, follow, verify and repair it, forward it to Kafka.",
        synopsisSubcommandLabel = "COMMAND",
        usageHelpAutoWidth = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:ok",
            " 1:damaged record or header found (the message names its position)",
            " 2:bad arguments or unusable input",
            " 3:file not found",
            " 4:log locked by another writer, or cursor owned by another consumer",
            " 5:disk full, or the log reached its maximum size",
            " 6:not a growlog file, or an unsupported format version",
            " 7:other I/O error",
            " 8:Kafka refused a record as too large (forward --on-too-large stop), or failed for good",
            "70:internal error (a bug; please report it)",
            "130:interrupted (SIGINT, Ctrl-C), after closing the log and printing what was done",
            "143:terminated (SIGTERM), likewise",
        },
        subcommands = {
            IngestCommand.class,
            AppendCommand.class,
            CatCommand.class,
            TailCommand.class,
            VerifyCommand.class,
            StatsCommand.class,
            CursorCommand.class,
            TruncateCommand.class,
            ForwardCommand.class,
            RecoverCommand.class,
            BenchCommand.class,
        })
public final class GrowlogCommand implements Runnable {
    private final Context context;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** A command on the process's own streams; {@link #commandLine(Context)} adds error handling. */
    public GrowlogCommand() {
        this(Context.system());
    }

    GrowlogCommand(Context context) {
        this.context = context;
    }

    public static void main(String[] args) {
        Context context = Context.system();
        StopOnSignal stop = StopOnSignal.install(context);
        if (stop == null) {
            return; // a signal came first: the JVM is exiting with its status
        }
        int code;
        try {
            code = commandLine(context).execute(args);
        } finally {
            stop.finished();
        }
        System.exit(code);
    }

    /** The command with its subcommands, error reporting and exit codes, on {@code context}. */
    static CommandLine commandLine(Context context) {
        CommandLine commandLine = new CommandLine(new GrowlogCommand(context));
        ErrorReporter reporter = new ErrorReporter(context);
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(context.rawOut(), StandardCharsets.UTF_8), true));
        commandLine.setErr(context.err());
        commandLine.setExecutionExceptionHandler(reporter);
        commandLine.setParameterExceptionHandler(reporter);
        commandLine.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } finally {
                context.out().flushQuietly();
            }
        });
        return commandLine;
    }

    Context context() {
        return context;
    }

    /** {@code growlog} alone: show what there is to run, as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** Reads the version that Maven wrote into {@code version.properties} at build time. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {
                "growlog " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
            };
        }

        static String version() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = GrowlogCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            String version = properties.getProperty("version");
            if (version == null || version.startsWith("${")) {
                version = GrowlogCommand.class.getPackage().getImplementationVersion();
            }
            return version == null ? "unknown" : version;
        }
    }
}
