package dev.growlog.bench;

import dev.growlog.GrowLog;
import dev.growlog.RecordBatch;
import dev.growlog.kafka.ForwarderListener;
import dev.growlog.kafka.ForwarderStats;
import dev.growlog.kafka.KafkaForwarder;
import dev.growlog.kafka.KafkaForwarderConfig;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The Kafka forwarder against Kafka's own producer, on one broker ({@link BenchBroker}) in one run.
 *
 * <p><b>Throughput.</b> For each record size in {@code --sizes}, a log is filled with
 * {@code --records} records of that size first; then, in each of {@code --rounds} rounds (after
 * one discarded warm-up round), a {@link KafkaForwarder} sends the whole log to a fresh topic
 * from a new cursor and stops once caught up, and a {@link KafkaProducer} sends as many records of
 * the same size, with the same 8-byte position header, in a tight loop of {@code send} and then
 * {@code flush}. Both use the same settings ({@code acks=all}, idempotence, {@code linger.ms=5},
 * {@code batch.size=16384}, at most 5 requests in flight, no compression), and both times run
 * from creating the producer to its close, the last acknowledgement included. The two alternate
 * which goes first. The result is the ratio of the rates in each round.
 *
 * <p><b>Latency.</b> One thread appends {@code --latency-size}-byte records to a fresh log at
 * {@code --rate} records per second for {@code --latency-warmup} plus {@code --latency-seconds}
 * seconds, while a following forwarder in this JVM (on a read-only open, as {@code growlog
 * forward} runs) sends them. Latency runs from each record's due time (so a writer behind schedule
 * counts; it parks while ahead) to the moment the producer handled the broker's acknowledgement of
 * the record ({@link AckTimes}, a producer interceptor). Records due in the warm-up are left out.
 *
 * <p>Files go under {@code $GROWLOG_BENCH_DIR} (see {@link BenchFiles}); the broker's class path
 * comes from {@code --broker-classpath}, written by {@code mvn -Pbench package}.
 */
public final class ForwardMain {
    private ForwardMain() {
    }

    private static final class Options {
        List<Integer> sizes = List.of(100, 1024);
        int records = 200_000;
        int rounds = 3;
        long rate = 20_000;
        int latencySize = 100;
        int latencySeconds = 5;
        int latencyWarmup = 2;
        Path brokerClassPath = Paths.get("target", "kafka-broker-classpath.txt");

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + args[i]);
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--sizes" -> o.sizes = java.util.Arrays.stream(value.split(",")).map(Integer::valueOf)
                            .toList();
                    case "--records" -> o.records = Integer.parseInt(value);
                    case "--rounds" -> o.rounds = Integer.parseInt(value);
                    case "--rate" -> o.rate = Long.parseLong(value);
                    case "--latency-size" -> o.latencySize = Integer.parseInt(value);
                    case "--latency-seconds" -> o.latencySeconds = Integer.parseInt(value);
                    case "--latency-warmup" -> o.latencyWarmup = Integer.parseInt(value);
                    case "--broker-classpath" -> o.brokerClassPath = Paths.get(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --sizes "
                            + "--records --rounds --rate --latency-size --latency-seconds --latency-warmup "
                            + "--broker-classpath)");
                }
            }
            return o;
        }
    }

    /** The producer settings both sides share; the forwarder adds acks and idempotence itself. */
    private static final Map<String, String> SHARED = Map.of(ProducerConfig.LINGER_MS_CONFIG, "5",
            ProducerConfig.BATCH_SIZE_CONFIG, "16384", ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");

    private static int topics;

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Path dir = BenchFiles.newDirectory("growlog-forward-");
        try (BenchBroker broker = BenchBroker.start(java.nio.file.Files.createDirectory(dir.resolve("broker")),
                o.brokerClassPath)) {
            for (int size : o.sizes) {
                throughput(broker, dir, size, o);
            }
            latency(broker, dir, o);
        } finally {
            BenchFiles.deleteRecursively(dir);
        }
    }

    private static void throughput(BenchBroker broker, Path dir, int size, Options o) throws Exception {
        byte[] payload = Payloads.random(size);
        Path path = dir.resolve("log-" + size);
        try (GrowLog writer = GrowLog.open(path)) {
            RecordBatch batch = new RecordBatch();
            for (int i = 0; i < o.records; i++) {
                batch.add(payload);
                if (batch.size() == 1000) {
                    writer.append(batch);
                    batch.clear();
                }
            }
            if (batch.size() > 0) {
                writer.append(batch);
            }
        }
        List<Double> ratios = new ArrayList<>();
        double[] forwarded = new double[o.rounds];
        double[] produced = new double[o.rounds];
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            for (int round = 0; round <= o.rounds; round++) {
                double f;
                double p;
                if (round % 2 == 0) {
                    f = forwarder(broker, log, "round-" + round, o.records);
                    p = producer(broker, payload, o.records);
                } else {
                    p = producer(broker, payload, o.records);
                    f = forwarder(broker, log, "round-" + round, o.records);
                }
                String label = round == 0 ? "warm-up" : "round " + round;
                System.out.printf(Locale.ROOT, "%5d B %-8s: forwarder %,9.0f records/s (%6.1f MB/s), producer "
                                + "%,9.0f records/s (%6.1f MB/s), ratio %.3f%n", size, label, f, f * size / 1e6, p,
                        p * size / 1e6, f / p);
                if (round > 0) {
                    forwarded[round - 1] = f;
                    produced[round - 1] = p;
                    ratios.add(f / p);
                }
            }
        }
        double[] r = ratios.stream().mapToDouble(Double::doubleValue).toArray();
        System.out.printf(Locale.ROOT, "%5d B result : forwarder %,.0f ± %,.0f records/s (%.1f MB/s), producer "
                        + "%,.0f ± %,.0f records/s (%.1f MB/s); ratio %.3f ± %.3f (min %.3f, max %.3f) over %d "
                        + "rounds of %d records%n", size, mean(forwarded), stdev(forwarded),
                mean(forwarded) * size / 1e6, mean(produced), stdev(produced), mean(produced) * size / 1e6,
                mean(r), stdev(r), min(r), max(r), r.length, o.records);
        BenchFiles.deleteRecursively(path);
    }

    /** Forwards the whole log to a fresh topic from a new cursor; returns records per second. */
    private static double forwarder(BenchBroker broker, GrowLog log, String cursor, int records) throws Exception {
        String topic = newTopic(broker);
        KafkaForwarderConfig config = KafkaForwarderConfig.builder(broker.bootstrapServers(), topic).cursor(cursor)
                .producerProperties(SHARED).build();
        long start = System.nanoTime();
        ForwarderStats stats = new KafkaForwarder(log, config, ForwarderListener.NONE).run();
        long took = System.nanoTime() - start;
        if (stats.acknowledged() != records || stats.restarts() != 0) {
            throw new IllegalStateException("the forwarder did not send the log once: " + stats);
        }
        broker.deleteTopic(topic);
        return records / (took / 1e9);
    }

    /** Sends {@code records} records as fast as the producer takes them; returns records per second. */
    private static double producer(BenchBroker broker, byte[] payload, int records) throws Exception {
        String topic = newTopic(broker);
        Map<String, Object> settings = new HashMap<>(SHARED);
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings)) {
            for (long i = 0; i < records; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(KafkaForwarder.POSITION_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(i).array());
                producer.send(new ProducerRecord<>(topic, null, (byte[]) null, payload, headers), (metadata, e) -> {
                    if (e == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        long took = System.nanoTime() - start;
        if (failure.get() != null || acknowledged.get() != records) {
            throw new IllegalStateException(acknowledged.get() + " of " + records + " acknowledged", failure.get());
        }
        broker.deleteTopic(topic);
        return records / (took / 1e9);
    }

    private static void latency(BenchBroker broker, Path dir, Options o) throws Exception {
        byte[] payload = Payloads.random(o.latencySize);
        Path path = dir.resolve("latency");
        String topic = newTopic(broker);
        AckTimes.ACKED.clear();
        int total = (int) (o.rate * (o.latencyWarmup + o.latencySeconds));
        long[] positions = new long[total];
        long[] due = new long[total];
        ForwarderStats stats;
        try (GrowLog writer = GrowLog.open(path); GrowLog read = GrowLog.openReadOnly(path)) {
            KafkaForwarder forwarder = new KafkaForwarder(read, KafkaForwarderConfig.builder(
                    broker.bootstrapServers(), topic).follow(true).producerProperties(SHARED)
                    .producerProperty(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, AckTimes.class.getName()).build(),
                    ForwarderListener.NONE);
            CompletableFuture<ForwarderStats> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return forwarder.run();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            for (int i = 0; i < total; i++) {
                due[i] = start + i * 1_000_000_000L / o.rate;
                long ahead = due[i] - System.nanoTime();
                if (ahead > 0) {
                    LockSupport.parkNanos(ahead);
                }
                positions[i] = writer.append(payload);
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (AckTimes.ACKED.size() < total && System.nanoTime() < deadline && !run.isDone()) {
                Thread.sleep(10);
            }
            forwarder.stop();
            stats = run.get(2, TimeUnit.MINUTES);
        }
        Histogram histogram = new Histogram(3);
        long measuredFrom = TimeUnit.SECONDS.toNanos(o.latencyWarmup);
        long missing = 0;
        for (int i = 0; i < total; i++) {
            Long acked = AckTimes.ACKED.get(positions[i]);
            if (acked == null) {
                missing++;
            } else if (due[i] - due[0] >= measuredFrom) {
                histogram.recordValue(Math.max(0, acked - due[i]));
            }
        }
        System.out.printf(Locale.ROOT, "latency from append to acknowledgement, %d B at %,d records/s for %d s "
                        + "(after %d s warm-up): %d records, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; "
                        + "%d never acknowledged, %d restarts%n", o.latencySize, o.rate, o.latencySeconds,
                o.latencyWarmup, histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1e6,
                histogram.getValueAtPercentile(99) / 1e6, histogram.getValueAtPercentile(99.9) / 1e6,
                histogram.getMaxValue() / 1e6, missing, stats.restarts());
        broker.deleteTopic(topic);
    }

    private static String newTopic(BenchBroker broker) throws Exception {
        String topic = "bench-" + ++topics;
        broker.createTopic(topic, Map.of());
        return topic;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The sample standard deviation. */
    private static double stdev(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1));
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(Double.NaN);
    }
}
