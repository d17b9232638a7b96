/**
 * Forwards a log to an Apache Kafka topic at least once, from a durable cursor: start at
 * {@link dev.growlog.kafka.KafkaForwarder}. Needs {@code org.apache.kafka:kafka-clients} on the
 * class or module path (an optional dependency of growlog).
 */
package dev.growlog.kafka;
