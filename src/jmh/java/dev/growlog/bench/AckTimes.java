package dev.growlog.bench;

import dev.growlog.kafka.KafkaForwarder;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A producer interceptor ({@code interceptor.classes}) that notes when the producer learned that
 * the broker acknowledged each record: {@link System#nanoTime()} on the producer's I/O thread as
 * the acknowledgement is handled, before the send's callback, keyed by the record's
 * {@code growlog.position} header. The first acknowledgement of a position wins.
 */
public final class AckTimes implements ProducerInterceptor<byte[], byte[]> {
    /** Position to acknowledgement time in {@code System.nanoTime()} nanoseconds, for this JVM. */
    static final Map<Long, Long> ACKED = new ConcurrentHashMap<>();

    /** Made by the producer from {@code interceptor.classes}. */
    public AckTimes() {
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception, Headers headers) {
        long now = System.nanoTime();
        Header position = headers == null ? null : headers.lastHeader(KafkaForwarder.POSITION_HEADER);
        if (exception == null && position != null) {
            ACKED.putIfAbsent(ByteBuffer.wrap(position.value()).getLong(), now);
        }
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
