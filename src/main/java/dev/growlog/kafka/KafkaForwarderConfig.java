package dev.growlog.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how a {@link KafkaForwarder} sends: build it with {@link #builder(String, String)}.
 *
 * @param bootstrapServers      the producer's {@code bootstrap.servers}
 * @param topic                 the topic every record goes to
 * @param cursor                the durable cursor the forwarder owns (default {@value #DEFAULT_CURSOR})
 * @param follow                keep forwarding what is appended (like {@code tail -f}) until
 *                              {@link KafkaForwarder#stop()}; false stops once caught up
 * @param producerProperties    more producer settings; they override the forwarder's defaults
 *                              except the ones that delivery depends on (see
 *                              {@link KafkaForwarder})
 * @param key                   how each record's key is chosen
 * @param onTooLarge            what to do with a record refused as too large
 * @param commitInterval        how often acknowledged progress is committed at most (a commit is an
 *                              {@code fdatasync}); default 1 s
 * @param maxUncommittedRecords most records sent past the committed cursor at any time: when
 *                              reached, the forwarder waits for acknowledgements and commits
 *                              before it sends more. This bounds the duplicates after a crash or
 *                              a restart; default 10,000
 * @param restartBackoff        the first wait before a new producer after a failed send; it
 *                              doubles with each failure in a row; default 500 ms
 * @param maxRestartBackoff     the longest such wait; default 10 s
 * @param drainTimeout          after {@link KafkaForwarder#stop()}, how long to wait for
 *                              acknowledgements of what was sent before committing and closing;
 *                              default 5 s
 */
public record KafkaForwarderConfig(String bootstrapServers, String topic, String cursor, boolean follow,
                                   Map<String, String> producerProperties, RecordKey key,
                                   TooLargePolicy onTooLarge, Duration commitInterval, int maxUncommittedRecords,
                                   Duration restartBackoff, Duration maxRestartBackoff, Duration drainTimeout) {
    /** The cursor's name when none is given. */
    public static final String DEFAULT_CURSOR = "kafka";

    /**
     * Checks the settings.
     *
     * @param bootstrapServers see {@link #bootstrapServers()}
     * @param topic see {@link #topic()}
     * @param cursor see {@link #cursor()}
     * @param follow see {@link #follow()}
     * @param producerProperties see {@link #producerProperties()}
     * @param key see {@link #key()}
     * @param onTooLarge see {@link #onTooLarge()}
     * @param commitInterval see {@link #commitInterval()}
     * @param maxUncommittedRecords see {@link #maxUncommittedRecords()}
     * @param restartBackoff see {@link #restartBackoff()}
     * @param maxRestartBackoff see {@link #maxRestartBackoff()}
     * @param drainTimeout see {@link #drainTimeout()}
     * @throws IllegalArgumentException when a setting is out of range
     */
    public KafkaForwarderConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(cursor, "cursor");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(onTooLarge, "onTooLarge");
        producerProperties = Map.copyOf(producerProperties);
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are empty");
        }
        if (topic.isBlank()) {
            throw new IllegalArgumentException("the topic is empty");
        }
        if (maxUncommittedRecords < 1) {
            throw new IllegalArgumentException("maxUncommittedRecords must be at least 1: " + maxUncommittedRecords);
        }
        positive("commitInterval", commitInterval);
        positive("restartBackoff", restartBackoff);
        positive("maxRestartBackoff", maxRestartBackoff);
        positive("drainTimeout", drainTimeout);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /**
     * A builder with every other setting at its default.
     *
     * @param bootstrapServers the producer's {@code bootstrap.servers}, {@code host:port[,...]}
     * @param topic            the topic
     * @return a new builder
     */
    public static Builder builder(String bootstrapServers, String topic) {
        return new Builder(bootstrapServers, topic);
    }

    /** Builds a {@link KafkaForwarderConfig}; see its components for the meaning and defaults. */
    public static final class Builder {
        private final String bootstrapServers;
        private final String topic;
        private String cursor = DEFAULT_CURSOR;
        private boolean follow;
        private final Map<String, String> producerProperties = new LinkedHashMap<>();
        private RecordKey key = RecordKey.none();
        private TooLargePolicy onTooLarge = TooLargePolicy.STOP;
        private Duration commitInterval = Duration.ofSeconds(1);
        private int maxUncommittedRecords = 10_000;
        private Duration restartBackoff = Duration.ofMillis(500);
        private Duration maxRestartBackoff = Duration.ofSeconds(10);
        private Duration drainTimeout = Duration.ofSeconds(5);

        private Builder(String bootstrapServers, String topic) {
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
        }

        /**
         * Sets the cursor setting.
         *
         * @param name the durable cursor's name
         * @return this builder
         */
        public Builder cursor(String name) {
            this.cursor = name;
            return this;
        }

        /**
         * Sets the follow setting.
         *
         * @param follow keep forwarding until stopped, rather than stopping once caught up
         * @return this builder
         */
        public Builder follow(boolean follow) {
            this.follow = follow;
            return this;
        }

        /**
         * Sets the producer property setting.
         *
         * @param name  a producer setting
         * @param value its value
         * @return this builder
         */
        public Builder producerProperty(String name, String value) {
            producerProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets the producer properties setting.
         *
         * @param properties producer settings, added to those given before
         * @return this builder
         */
        public Builder producerProperties(Map<String, String> properties) {
            properties.forEach(this::producerProperty);
            return this;
        }

        /**
         * Sets the key setting.
         *
         * @param key how each record's key is chosen
         * @return this builder
         */
        public Builder key(RecordKey key) {
            this.key = key;
            return this;
        }

        /**
         * Sets the on too large setting.
         *
         * @param policy what to do with a record refused as too large
         * @return this builder
         */
        public Builder onTooLarge(TooLargePolicy policy) {
            this.onTooLarge = policy;
            return this;
        }

        /**
         * Sets the commit interval setting.
         *
         * @param interval how often acknowledged progress is committed at most
         * @return this builder
         */
        public Builder commitInterval(Duration interval) {
            this.commitInterval = interval;
            return this;
        }

        /**
         * Sets the max uncommitted records setting.
         *
         * @param records most records sent past the committed cursor: the duplicate bound
         * @return this builder
         */
        public Builder maxUncommittedRecords(int records) {
            this.maxUncommittedRecords = records;
            return this;
        }

        /**
         * Sets the restart backoff setting.
         *
         * @param first the first wait before a new producer after a failed send
         * @param max   the longest such wait
         * @return this builder
         */
        public Builder restartBackoff(Duration first, Duration max) {
            this.restartBackoff = first;
            this.maxRestartBackoff = max;
            return this;
        }

        /**
         * Sets the drain timeout setting.
         *
         * @param timeout how long a stop waits for acknowledgements
         * @return this builder
         */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException when a setting is out of range
         */
        public KafkaForwarderConfig build() {
            return new KafkaForwarderConfig(bootstrapServers, topic, cursor, follow, producerProperties, key,
                    onTooLarge, commitInterval, maxUncommittedRecords, restartBackoff, maxRestartBackoff,
                    drainTimeout);
        }
    }
}
