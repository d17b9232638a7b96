package dev.growlog.kafka;

import dev.growlog.Cursor;
import dev.growlog.GrowLog;
import dev.growlog.LogReader;
import dev.growlog.Tailer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the records of a log to a Kafka topic, <em>at least once</em>, from a durable
 * {@link Cursor}: each run resumes where the last one committed.
 *
 * <pre>{@code
 * try (GrowLog log = GrowLog.openReadOnly(path)) {
 *     KafkaForwarder forwarder = new KafkaForwarder(log,
 *             KafkaForwarderConfig.builder("127.0.0.1:9092", "logs").follow(true).build(),
 *             ForwarderListener.NONE);
 *     forwarder.run();                       // until forwarder.stop() from another thread
 * }
 * }</pre>
 *
 * <h2>Delivery</h2>
 * The producer runs with {@code acks=all} and {@code enable.idempotence=true} (at most 5
 * requests in flight per connection), so within a partition records land in the order they were
 * sent, and the producer's own retries add no duplicates. Sends are asynchronous and batched by
 * the producer. The forwarder keeps the records sent in send order and commits the cursor only
 * past the longest prefix of them that the broker acknowledged (or that were skipped): never
 * past a record that is not in Kafka. It commits at most once per
 * {@link KafkaForwarderConfig#commitInterval()} (a commit is an {@code fdatasync}), sooner when
 * half of {@link KafkaForwarderConfig#maxUncommittedRecords()} is acknowledged, and when it stops.
 *
 * <h2>Duplicates</h2>
 * After a crash the next run sends again the records after the last commit; after a failed send
 * the forwarder does the same. The forwarder never has more than
 * {@link KafkaForwarderConfig#maxUncommittedRecords()} records sent past the committed cursor,
 * so each crash or restart sends at most that many records twice. Each Kafka record carries its
 * log position in the header {@value #POSITION_HEADER}, 8 bytes, big-endian: a consumer drops
 * a record whose position it has seen.
 *
 * <h2>Faults</h2>
 * The producer retries on its own for {@code delivery.timeout.ms} (a broker that is down or
 * unreachable). A send that fails after that makes the forwarder close the producer, commit what
 * was acknowledged before it, wait (backing off from
 * {@link KafkaForwarderConfig#restartBackoff()} to {@link KafkaForwarderConfig#maxRestartBackoff()})
 * and send again from the cursor with a new producer, for as long as it takes. A record refused
 * as too large follows {@link KafkaForwarderConfig#onTooLarge()}. Failures that retrying cannot
 * fix (authentication, authorization, an invalid topic) end the run with
 * {@link ForwardingFailedException}.
 *
 * <p>NOTE: order holds per partition. After a restart, a request of the closed producer that a
 * slow but live broker had received and not yet appended could land after the new producer's
 * first records; dropping duplicates by position then still keeps each record once.
 *
 * <p>NOTE: {@link #run()} owns the cursor for the run: a second forwarder (or consumer) of the same
 * cursor name fails at once with {@code CursorLockedException}. Not thread-safe except for
 * {@link #stop()} and {@link #stats()}.
 */
public final class KafkaForwarder {
    /** The header holding each record's log position: 8 bytes, big-endian. */
    public static final String POSITION_HEADER = "growlog.position";

    /** Longest wait between looks at the log and at acknowledgements, in milliseconds. */
    private static final long WAIT_MILLIS = 20;

    private final GrowLog log;
    private final KafkaForwarderConfig config;
    private final ForwarderListener listener;
    private final Map<String, Object> producerConfig;
    /** Open once {@link #stop()} was called. */
    private final CountDownLatch stop = new CountDownLatch(1);

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    /** Retries of producers closed in this run; the open one's are read from its metrics. */
    private final AtomicLong closedProducerRetries = new AtomicLong();
    /** Where the cursor stands; -1 before the run owns it. */
    private volatile long committedPosition = -1;
    private volatile long startNanos;
    private volatile KafkaProducer<byte[], byte[]> producer;

    /** The forwarder's thread while it waits for the head of the window; woken by the producer. */
    private volatile Thread waiting;
    private Cursor cursor;
    private Tailer tailer;
    private SendWindow window;
    private long lastCommitNanos;
    /** Highest position skipped as too large, so a record sent again after a restart counts once. */
    private long lastSkipped = -1;

    /** A failed send that a new producer may get through: restart from the cursor. */
    private static final class Restart extends Exception {
        private static final long serialVersionUID = 1L;

        Restart(Exception cause) {
            super(cause);
        }
    }

    /**
     * A forwarder of {@code log}; nothing is opened or sent until {@link #run()}.
     *
     * @param log      the log to forward, open read-only or for writing
     * @param config   where and how to send
     * @param listener hears about restarts and skipped records
     * @throws IllegalArgumentException when a producer setting conflicts with the delivery promise
     *                                  (acks, idempotence, more than 5 requests in flight)
     */
    public KafkaForwarder(GrowLog log, KafkaForwarderConfig config, ForwarderListener listener) {
        this.log = Objects.requireNonNull(log, "log");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.producerConfig = producerConfig(config);
    }

    /** The producer's settings: the forwarder's defaults, the user's, then what delivery needs. */
    static Map<String, Object> producerConfig(KafkaForwarderConfig config) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "growlog-forward-" + config.cursor());
        settings.putAll(config.producerProperties());
        require(settings, ProducerConfig.ACKS_CONFIG, List.of("all", "-1"), "all");
        require(settings, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, List.of("true"), "true");
        Object inFlight = settings.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight != null && !List.of("1", "2", "3", "4", "5").contains(inFlight.toString().strip())) {
            throw new IllegalArgumentException(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION
                    + " must be from 1 to 5 to keep records in order: " + inFlight);
        }
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return settings;
    }

    private static void require(Map<String, Object> settings, String name, List<String> allowed, String value) {
        Object given = settings.get(name);
        if (given != null && !allowed.contains(given.toString().strip().toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException(name + " must be " + value + " for at-least-once delivery: " + given);
        }
        settings.put(name, value);
    }

    /**
     * Forwards until caught up (without {@link KafkaForwarderConfig#follow()}) or until
     * {@link #stop()}; then waits (up to {@link KafkaForwarderConfig#drainTimeout()} after a stop)
     * for acknowledgements, commits them and closes the producer.
     *
     * @return what was done
     * @throws RecordRefusedException when a record is refused as too large under
     *                                {@link TooLargePolicy#STOP}
     * @throws ForwardingFailedException when Kafka fails in a way retrying cannot fix
     * @throws IllegalArgumentException when the producer settings are invalid
     * @throws IOException when reading the log or committing the cursor fails (for example
     *                     {@code CursorLockedException})
     * @throws InterruptedException when the thread is interrupted
     */
    public ForwarderStats run() throws IOException, InterruptedException {
        startNanos = System.nanoTime();
        try (Cursor owned = log.cursor(config.cursor())) {
            cursor = owned;
            committedPosition = owned.position();
            lastCommitNanos = System.nanoTime();
            Duration backoff = config.restartBackoff();
            while (true) {
                open();
                try {
                    forward();
                    return stats();
                } catch (Restart restart) {
                    long before = committedPosition;
                    closeAfterFailure();
                    if (committedPosition > before) {
                        backoff = config.restartBackoff(); // it got somewhere: the failure is new
                    }
                    restarts.incrementAndGet();
                    Exception cause = (Exception) restart.getCause();
                    listener.restarting(cause, committedPosition, backoff);
                    if (stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        return stats();
                    }
                    backoff = backoff.multipliedBy(2).compareTo(config.maxRestartBackoff()) > 0
                            ? config.maxRestartBackoff() : backoff.multipliedBy(2);
                } finally {
                    closeQuietly();
                }
            }
        } finally {
            cursor = null;
        }
    }

    /** Asks {@link #run()} to stop: it commits what is acknowledged and returns. Any thread; idempotent. */
    public void stop() {
        stop.countDown();
        wake();
    }

    /** Wakes the forwarder's thread if it waits for an outcome. */
    private void wake() {
        Thread waiter = waiting;
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
    }

    private boolean stopped() {
        return stop.getCount() == 0;
    }

    private void open() throws IOException {
        window = new SendWindow(config.maxUncommittedRecords(), committedPosition);
        tailer = log.tailer(committedPosition);
        try {
            producer = new KafkaProducer<>(producerConfig);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("producer settings: " + e.getMessage(), e);
        }
    }

    /** The main loop: read, send, account for acknowledgements, commit. Returns when done. */
    private void forward() throws IOException, InterruptedException, Restart {
        while (true) {
            settle(0);
            commitIfDue(false);
            if (stopped()) {
                drainAfterStop();
                return;
            }
            if (window.full()) {
                settle(WAIT_MILLIS);
                commitIfDue(false); // half the window done: committing at every acknowledgement would cost a sync each
            } else if (tailer.tryNext()) {
                send();
            } else if (!window.allDone()) {
                settle(WAIT_MILLIS); // caught up with the log: wait for acknowledgements
            } else if (!config.follow()) {
                commitIfDue(true);
                return;
            } else if (tailer.poll(WAIT_MILLIS * 5, TimeUnit.MILLISECONDS)) {
                send();
            }
        }
    }

    private void send() throws Restart {
        long position = tailer.position();
        byte[] value = tailer.bytes();
        long seq = window.add(position, tailer.nextPosition(), value.length);
        RecordHeaders headers = new RecordHeaders();
        headers.add(POSITION_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(position).array());
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(config.topic(), null, config.key().of(value),
                value, headers);
        SendWindow sentIn = window; // a closed producer's late outcomes land in its own window
        try {
            producer.send(record, (metadata, exception) -> {
                sentIn.complete(seq, outcome(exception), exception);
                wake();
            });
        } catch (KafkaException e) {
            throw new Restart(e);
        }
        sent.incrementAndGet();
    }

    /**
     * Waits up to {@code waitMillis} while the outcome of the first record not done is unknown,
     * then moves the done prefix over acknowledged and skipped records.
     */
    private void settle(long waitMillis) throws IOException, InterruptedException, Restart {
        if (waitMillis > 0 && window.headPending()) {
            waiting = Thread.currentThread();
            if (window.headPending() && !stopped()) { // after announcing: an outcome from now on wakes it
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(waitMillis));
            }
            waiting = null;
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for Kafka's acknowledgements");
            }
        }
        advance(true);
    }

    private static byte outcome(Exception exception) {
        if (exception == null) {
            return SendWindow.ACKNOWLEDGED;
        }
        return exception instanceof RecordTooLargeException ? SendWindow.TOO_LARGE : SendWindow.FAILED;
    }

    /** Moves the done prefix as far as it goes; a failure at its head restarts (when {@code restart}). */
    private void advance(boolean restart) throws IOException, Restart {
        while (true) {
            switch (window.head()) {
                case SendWindow.ACKNOWLEDGED:
                    window.advance();
                    acknowledged.incrementAndGet();
                    break;
                case SendWindow.TOO_LARGE:
                    tooLarge();
                    break;
                case SendWindow.FAILED:
                    Exception cause = window.headCause();
                    if (fatal(cause)) {
                        commitIfDue(true);
                        throw new ForwardingFailedException("Kafka failed for good sending the record at position "
                                + window.headPosition() + " to topic " + config.topic() + ": " + cause
                                + "; cursor '" + config.cursor() + "' committed up to " + committedPosition, cause);
                    }
                    if (restart) {
                        throw new Restart(cause);
                    }
                    return;
                default:
                    return;
            }
        }
    }

    private void tooLarge() throws IOException {
        long position = window.headPosition();
        Exception cause = window.headCause();
        if (config.onTooLarge() == TooLargePolicy.STOP) {
            commitIfDue(true);
            throw new RecordRefusedException(position, "Kafka refused the record at position " + position + " ("
                    + window.headLength() + " bytes) as too large: " + cause.getMessage() + "; cursor '"
                    + config.cursor() + "' committed up to it (skip such records with the SKIP policy, "
                    + "or raise max.request.size and the topic's max.message.bytes)", cause);
        }
        if (position > lastSkipped) {
            lastSkipped = position;
            skipped.incrementAndGet();
            listener.skipped(position, window.headLength(), cause);
        }
        window.advance();
    }

    private static boolean fatal(Exception cause) {
        return cause instanceof AuthenticationException || cause instanceof AuthorizationException
                || cause instanceof InvalidTopicException || cause instanceof UnsupportedVersionException;
    }

    /** Commits the done prefix when due: forced, a commit interval after the last, or half the window done. */
    private void commitIfDue(boolean force) throws IOException {
        long position = window.donePosition();
        if (position == committedPosition) {
            window.committed();
            return;
        }
        long now = System.nanoTime();
        if (force || now - lastCommitNanos >= config.commitInterval().toNanos()
                || window.doneUncommitted() * 2 >= config.maxUncommittedRecords()) {
            cursor.commit(position);
            window.committed();
            committedPosition = position;
            lastCommitNanos = now;
        }
    }

    /** After a stop: waits up to the drain timeout for what was sent, then commits what is done. */
    private void drainAfterStop() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        try {
            while (!window.allDone() && System.nanoTime() < deadline) {
                settle(WAIT_MILLIS);
            }
        } catch (Restart failed) {
            // what failed is sent again by the next run; what is done before it is committed below
        }
        commitIfDue(true);
    }

    /** After a failed send: lets the producer finish, commits what was done before the failure. */
    private void closeAfterFailure() throws IOException {
        KafkaProducer<byte[], byte[]> failed = producer;
        producer = null;
        closedProducerRetries.addAndGet(retries(failed));
        failed.close(Duration.ofSeconds(1)); // its callbacks have all run when it returns
        try {
            advance(false);
        } catch (Restart impossible) {
            throw new AssertionError(impossible);
        }
        commitIfDue(true);
    }

    private void closeQuietly() {
        if (tailer != null) {
            tailer.close();
            tailer = null;
        }
        KafkaProducer<byte[], byte[]> open = producer;
        if (open != null) {
            producer = null;
            closedProducerRetries.addAndGet(retries(open));
            open.close(Duration.ZERO);
        }
    }

    private static long retries(KafkaProducer<byte[], byte[]> producer) {
        if (producer == null) {
            return 0;
        }
        try {
            for (Map.Entry<MetricName, ? extends Metric> metric : producer.metrics().entrySet()) {
                if (metric.getKey().name().equals("record-retry-total")
                        && metric.getKey().group().equals("producer-metrics")) {
                    Object value = metric.getValue().metricValue();
                    return value instanceof Number ? ((Number) value).longValue() : 0;
                }
            }
        } catch (RuntimeException closedMeanwhile) {
            // counted when it was closed
        }
        return 0;
    }

    /**
     * What the run has done so far and how far the cursor is behind the log's end. Any thread;
     * counting the records behind reads the log from the cursor to its end.
     *
     * @return the counters
     */
    public ForwarderStats stats() {
        long committed = committedPosition;
        long lagBytes = -1;
        long lagRecords = -1;
        if (committed >= 0) {
            try {
                lagBytes = Math.max(0, log.endPosition() - committed);
                long records = 0;
                try (LogReader reader = log.reader(committed)) {
                    while (reader.next()) {
                        records++;
                    }
                }
                lagRecords = records;
            } catch (IOException | RuntimeException e) {
                // the log closed meanwhile: the lag is unknown
            }
        }
        Duration elapsed = startNanos == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - startNanos);
        long acked = acknowledged.get();
        double rate = elapsed.toNanos() == 0 ? 0 : acked / (elapsed.toNanos() / 1e9);
        return new ForwarderStats(sent.get(), acked, skipped.get(), restarts.get(),
                closedProducerRetries.get() + retries(producer), committed, lagBytes, lagRecords, elapsed, rate);
    }
}
