package dev.growlog.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) for the forwarder's tests:
 * {@code kafka.Kafka} from the test class path in a child JVM ({@link BrokerMain}), which formats
 * its storage first ({@code kafka.tools.StorageTool format --standalone}) on its first start,
 * listening on 127.0.0.1 only. It can be stopped (SIGTERM) and started again on the same ports
 * and data. Every wait is bounded.
 *
 * <p>Not {@code KafkaClusterTestKit}: it binds its listeners to the wildcard address, and this
 * broker must be reachable from this machine only.
 */
public final class KafkaBroker implements AutoCloseable {
    /** How long a start (JVM, recovery, controller election) may take on a busy two-core machine. */
    static final Duration START = Duration.ofMinutes(2);

    private static KafkaBroker shared;

    private final Path dir;
    private final Path properties;
    private final int port;
    /** The cluster id to format the storage with at the next start; null once it is formatted. */
    private String unformattedClusterId = Uuid.randomUuid().toString();
    private Process process;
    private OutputStream parentPipe;

    private KafkaBroker(Path dir, int port, int controllerPort) throws IOException {
        this.dir = dir;
        this.port = port;
        this.properties = dir.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "") );
    }

    /**
     * A broker in {@code dir}, formatted and started.
     *
     * @param dir an empty directory for its configuration, data and output
     */
    public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
        KafkaBroker broker = new KafkaBroker(dir, freePort(), freePort());
        broker.start();
        return broker;
    }

    /**
     * One broker for every test in this JVM, started by the first caller (one start instead of one
     * per test class); gone with the JVM, its directory too. A test that stops it starts it again
     * before it ends, and calling this starts it again if a failed test left it stopped. The tests
     * share it one after the other (JUnit runs them on one thread), each on topics of its own.
     */
    public static synchronized KafkaBroker shared() throws IOException, InterruptedException {
        if (shared == null) {
            Path dir = Files.createTempDirectory("growlog-kafka-");
            shared = start(dir);
            KafkaBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                delete(dir);
            }, "stop shared kafka broker"));
        } else if (!shared.isRunning()) {
            shared.start();
        }
        return shared;
    }

    /**
     * Starts the shared broker on a daemon thread, for {@link SharedBrokerPrestart}. A failure is
     * only printed: the first test that asks for the broker then starts it and fails with it.
     */
    static void startSharedInBackground() {
        Thread starter = new Thread(() -> {
            try {
                shared();
            } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
                System.err.println("starting the shared kafka broker in the background failed: " + e);
            }
        }, "start shared kafka broker");
        starter.setDaemon(true);
        starter.start();
    }

    private synchronized boolean isRunning() {
        return process != null;
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // left for the system's temporary-file clean-up
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts the broker (again) and waits until it answers on its listener. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("the broker is running");
        }
        List<String> args = new ArrayList<>(List.of(properties.toString()));
        if (unformattedClusterId != null) {
            args.add(unformattedClusterId);
        }
        process = new ProcessBuilder(java(BrokerMain.class.getName(), args))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile())).start();
        parentPipe = process.getOutputStream();
        awaitReady();
        unformattedClusterId = null;
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new AssertionError("the broker exited with " + process.exitValue() + ": " + output("broker.out"));
                }
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the broker did not answer within " + START + ": " + output("broker.out"));
                }
            }
        }
    }

    /** Stops the broker with SIGTERM (a clean shutdown) and waits for it to be gone. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(START.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        try {
            parentPipe.close();
        } catch (IOException e) {
            // the child is gone
        }
        process = null;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"));
    }

    /** Creates a topic with one partition, and topic settings. */
    public void createTopic(String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs)))
                    .all().get(START.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A record as a consumer reads it: its growlog position header, key and value. */
    public record Consumed(long position, byte[] key, byte[] value) {
    }

    /** Every record of partition 0 of {@code topic}, from the first to the end offset as it is now. */
    public List<Consumed> consumeAll(String topic) {
        Properties settings = new Properties();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
        List<Consumed> records = new ArrayList<>();
        TopicPartition partition = new TopicPartition(topic, 0);
        long deadline = System.nanoTime() + START.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofMinutes(1)).get(partition);
            while (consumer.position(partition, Duration.ofMinutes(1)) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("consumed " + records.size() + " records of " + topic + " in " + START
                            + ", end offset " + end);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Header header = record.headers().lastHeader(KafkaForwarder.POSITION_HEADER);
                    if (header == null || header.value().length != Long.BYTES) {
                        throw new AssertionError("record at offset " + record.offset() + " has no position header");
                    }
                    records.add(new Consumed(ByteBuffer.wrap(header.value()).getLong(), record.key(), record.value()));
                }
            }
        }
        return records;
    }

    private List<String> java(String main, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        // C1 only: the broker starts in half the CPU time, and the tests' traffic needs no C2.
        command.addAll(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Djava.io.tmpdir=" + dir,
                "-cp", System.getProperty("java.class.path"), main));
        command.addAll(args);
        return command;
    }

    private String output(String file) {
        try {
            String text = Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
            return text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
