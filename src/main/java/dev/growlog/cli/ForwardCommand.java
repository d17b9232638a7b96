package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.kafka.ForwarderListener;
import dev.growlog.kafka.ForwarderStats;
import dev.growlog.kafka.KafkaForwarder;
import dev.growlog.kafka.KafkaForwarderConfig;
import dev.growlog.kafka.RecordKey;
import dev.growlog.kafka.TooLargePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code growlog forward}: sends a log's records to a Kafka topic, at least once, from a durable cursor. */
@Command(name = "forward",
        description = {
            "Send a log's records to a Kafka topic, at least once, from a durable cursor.",
            "Reads from the cursor (--cursor, created at the start of the log if new), sends each record to "
                    + "--topic with the header growlog.position (its log position, 8 bytes, big-endian) and "
                    + "commits the cursor only past records the broker acknowledged (acks=all, idempotent "
                    + "producer). Without --follow it stops once it has caught up with the log; with --follow it "
                    + "keeps sending what is appended until Ctrl-C or SIGTERM, which stop it after waiting up to "
                    + "5 s for acknowledgements and committing them (exit code 130 or 143).",
            "Duplicates: after a crash, or after a send that failed for delivery.timeout.ms (the producer "
                    + "retries until then; the forwarder then starts a new producer from the cursor, backing "
                    + "off), the records sent after the last commit are sent again: at most --max-uncommitted "
                    + "per crash or restart. Consumers drop a record whose position they have seen.",
            "Opens the log read-only: a writer may be appending meanwhile. Prints a summary at the end; with "
                    + "--follow also a status line on stderr every --status-seconds."})
final class ForwardCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

    @Option(names = "--log", paramLabel = "PATH",
            description = "The log to forward (default: $" + Context.LOG_ENV + ", or else " + Context.DEFAULT_LOG + ").")
    private Path log;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", required = true,
            description = "Kafka brokers to connect to first.")
    private String bootstrapServers;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic to send to.")
    private String topic;

    @Option(names = "--cursor", paramLabel = "NAME", defaultValue = KafkaForwarderConfig.DEFAULT_CURSOR,
            description = "The durable cursor to resume from and commit (default: ${DEFAULT-VALUE}).")
    private String cursor;

    @Option(names = {"-f", "--follow"}, description = "Keep forwarding what is appended until interrupted.")
    private boolean follow;

    @Option(names = "--producer-config", paramLabel = "FILE",
            description = "Kafka producer settings, as a Java properties file (security, compression, batching).")
    private Path producerConfig;

    @Option(names = "-X", paramLabel = "KEY=VALUE",
            description = "A Kafka producer setting; overrides --producer-config. Repeatable. acks=all, "
                    + "enable.idempotence=true and max.in.flight.requests.per.connection <= 5 are required.")
    private Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--key", paramLabel = "none|field:NAME", defaultValue = "none",
            description = "The Kafka key: none, or the value of the top-level field NAME of a JSON record (a "
                    + "string's text; other values as JSON text). A record that is not JSON, lacks the field or "
                    + "has it null gets no key (default: ${DEFAULT-VALUE}).")
    private String key;

    @Option(names = "--on-too-large", paramLabel = "stop|skip", defaultValue = "stop",
            description = "A record Kafka refuses as too large: stop (exit code 8, naming its position, with the "
                    + "cursor committed up to it) or skip (count it, name it on stderr, go on) "
                    + "(default: ${DEFAULT-VALUE}).")
    private String onTooLarge;

    @Option(names = "--commit-interval-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Commit acknowledged progress at most this often (default: ${DEFAULT-VALUE}).")
    private long commitIntervalMillis;

    @Option(names = "--max-uncommitted", paramLabel = "N", defaultValue = "10000",
            description = "Most records sent past the committed cursor: the bound on duplicates per crash or "
                    + "restart (default: ${DEFAULT-VALUE}).")
    private int maxUncommitted;

    @Option(names = "--status-seconds", paramLabel = "S", defaultValue = "10",
            description = "With --follow, print a status line on stderr this often; 0 never "
                    + "(default: ${DEFAULT-VALUE}).")
    private long statusSeconds;

    @Option(names = "--kafka-log-level", paramLabel = "LEVEL", defaultValue = "error",
            description = "What the Kafka client logs on stderr: error, warn, info, debug or off "
                    + "(default: ${DEFAULT-VALUE}).")
    private String kafkaLogLevel;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Context context = parent.context();
        KafkaForwarderConfig config = config(context);
        quietKafkaLogging(kafkaLogLevel);
        PrintWriter err = context.err();
        ForwarderListener listener = new ForwarderListener() {
            @Override
            public void restarting(Exception cause, long resumeAt, Duration backoff) {
                err.println("growlog: sending to Kafka failed (" + ErrorReporter.oneLine(String.valueOf(cause))
                        + "); sending again from position " + resumeAt + " in " + Units.seconds(backoff.toNanos()));
            }

            @Override
            public void skipped(long position, int length, Exception cause) {
                err.println("growlog: skipped the record at position " + position + " (" + length
                        + " bytes): Kafka refused it as too large: " + ErrorReporter.oneLine(cause.getMessage()));
            }
        };
        Path file = log == null ? context.defaultLog() : context.resolve(log);
        try (GrowLog growLog = LogFiles.openReadOnly(file)) {
            KafkaForwarder forwarder;
            try {
                forwarder = new KafkaForwarder(growLog, config, listener);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
            }
            context.onStop(forwarder::stop);
            ScheduledExecutorService status = status(forwarder, err);
            try {
                forwarder.run();
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
            } finally {
                if (status != null) {
                    status.shutdownNow();
                }
                ForwarderStats stats = forwarder.stats();
                if (stats.committedPosition() >= 0) { // it got as far as owning the cursor
                    context.out().println(summary("forwarded", stats));
                    context.out().flush();
                }
            }
        }
        return context.stopRequested() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
    }

    private KafkaForwarderConfig config(Context context) throws IOException {
        if (commitIntervalMillis < 1) {
            throw new CliException(ExitCodes.USAGE, "--commit-interval-ms must be at least 1: " + commitIntervalMillis);
        }
        if (maxUncommitted < 1) {
            throw new CliException(ExitCodes.USAGE, "--max-uncommitted must be at least 1: " + maxUncommitted);
        }
        if (statusSeconds < 0) {
            throw new CliException(ExitCodes.USAGE, "--status-seconds must not be negative: " + statusSeconds);
        }
        Map<String, String> producer = new LinkedHashMap<>();
        if (producerConfig != null) {
            Path file = context.resolve(producerConfig);
            LogFiles.requireFile(file);
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            }
            properties.stringPropertyNames().forEach(name -> producer.put(name, properties.getProperty(name)));
        }
        producer.putAll(settings);
        try {
            return KafkaForwarderConfig.builder(bootstrapServers, topic).cursor(cursor).follow(follow)
                    .producerProperties(producer).key(RecordKey.parse(key)).onTooLarge(policy(onTooLarge))
                    .commitInterval(Duration.ofMillis(commitIntervalMillis)).maxUncommittedRecords(maxUncommitted)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    private static TooLargePolicy policy(String name) {
        switch (name) {
            case "stop": return TooLargePolicy.STOP;
            case "skip": return TooLargePolicy.SKIP;
            default: throw new IllegalArgumentException("--on-too-large is stop or skip, not '" + name + "'");
        }
    }

    /**
     * kafka-clients logs through SLF4J; the tool bundles its simple binding, which reads these
     * properties once, at its first logger. A -D on the command line wins.
     */
    private static void quietKafkaLogging(String level) {
        String lower = level.toLowerCase(Locale.ROOT);
        if (!java.util.List.of("error", "warn", "info", "debug", "trace", "off").contains(lower)) {
            throw new CliException(ExitCodes.USAGE, "--kafka-log-level is error, warn, info, debug or off, not '"
                    + level + "'");
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", lower);
        }
        if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
            System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        }
    }

    private ScheduledExecutorService status(KafkaForwarder forwarder, PrintWriter err) {
        if (!follow || statusSeconds == 0) {
            return null;
        }
        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "growlog-forward-status");
            thread.setDaemon(true);
            return thread;
        });
        status.scheduleAtFixedRate(() -> err.println(summary("forwarding", forwarder.stats())), statusSeconds,
                statusSeconds, TimeUnit.SECONDS);
        return status;
    }

    private String summary(String verb, ForwarderStats stats) {
        return verb + " to topic " + topic + ": " + stats.sent() + " sent, " + stats.acknowledged() + " acknowledged, "
                + stats.skipped() + " skipped, " + Units.count(stats.restarts(), "restart") + ", "
                + stats.producerRetries() + " producer " + (stats.producerRetries() == 1 ? "retry" : "retries") + " in " + Units.seconds(stats.elapsed().toNanos()) + " ("
                + Units.rate(stats.acknowledged(), stats.elapsed().toNanos(), "records") + "); cursor " + cursor
                + " at " + stats.committedPosition() + ", lag " + stats.lagBytes() + " bytes, "
                + Units.count(stats.lagRecords(), "record");
    }
}
