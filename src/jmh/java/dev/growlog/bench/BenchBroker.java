package dev.growlog.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) in a child JVM for
 * {@link ForwardMain}, configured as the tests' broker: listening on 127.0.0.1 only, one
 * partition per topic, replication factor 1. Its class path is the test class path, which the
 * {@code bench} profile writes to {@code target/kafka-broker-classpath.txt}, plus
 * {@code target/test-classes} for the tests' {@code BrokerMain}, which ends the broker when this
 * JVM goes away, even after kill -9.
 */
final class BenchBroker implements AutoCloseable {
    private static final Duration START = Duration.ofMinutes(2);

    private final Path dir;
    private final String classPath;
    private final int port;
    private final Process process;
    private final OutputStream parentPipe;

    private BenchBroker(Path dir, String classPath, int port, Process process) {
        this.dir = dir;
        this.classPath = classPath;
        this.port = port;
        this.process = process;
        this.parentPipe = process.getOutputStream();
    }

    /**
     * Formats and starts a broker in {@code dir} and waits until it answers.
     *
     * @param dir           an empty directory for its configuration, data and output
     * @param classPathFile a file holding the broker's class path (Kafka's server jars)
     */
    static BenchBroker start(Path dir, Path classPathFile) throws IOException, InterruptedException {
        String classPath = Path.of("target", "test-classes").toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(classPathFile, StandardCharsets.UTF_8).strip();
        int port = freePort();
        int controllerPort = freePort();
        Path properties = dir.resolve("server.properties");
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
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                ""));
        Process format = new ProcessBuilder(java(dir, classPath, "kafka.tools.StorageTool", "format", "--standalone",
                "-t", Uuid.randomUuid().toString(), "-c", properties.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("format.out").toFile()).start();
        if (!format.waitFor(START.toMillis(), TimeUnit.MILLISECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's storage failed; see " + dir.resolve("format.out"));
        }
        Process process = new ProcessBuilder(java(dir, classPath, "dev.growlog.kafka.BrokerMain",
                properties.toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.out").toFile()).start();
        BenchBroker broker = new BenchBroker(dir, classPath, port, process);
        try {
            broker.awaitReady();
        } catch (RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * Creates a topic with one partition.
     *
     * @param topic its name
     * @param configs topic settings
     */
    void createTopic(String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs)))
                    .all().get(START.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Deletes a topic, so that the broker's disk holds one run's records at a time. */
    void deleteTopic(String topic) throws Exception {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(topic)).all().get(START.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"));
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + process.exitValue() + "; see "
                            + dir.resolve("broker.out") + " (class path " + classPath + ")");
                }
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not answer within " + START + "; see "
                            + dir.resolve("broker.out"));
                }
            }
        }
    }

    private static List<String> java(Path dir, String classPath, String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xms256m", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Djava.io.tmpdir=" + dir, "-cp", classPath, main));
        command.addAll(List.of(args));
        return command;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops the broker with SIGTERM (a clean shutdown) and waits for it to be gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(START.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            parentPipe.close();
        } catch (IOException e) {
            // the child is gone
        }
    }
}
