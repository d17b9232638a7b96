package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link GrowLog#append(RecordBatch)}: many records under one lock, laid out exactly as the same
 * records appended one by one, and all or nothing when the log cannot hold them.
 */
@ExtendWith(Seeded.class)
class RecordBatchTest {
    private static final int SEGMENT = 64 * 1024;
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(SEGMENT)
            .maxGrowthStep(4 * SEGMENT).pretouchAhead(0).build();

    @TempDir
    Path dir;

    @Test
    void batches_layOutRecordsByteForByteAsSingleAppendsDo(Random random) throws IOException {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            // Mostly small, some near the segment size: batches cross segments and pad.
            payloads.add(Payloads.random(random, 0, random.nextInt(10) == 0 ? SEGMENT - 8 : 700));
        }
        Path single = dir.resolve("single.glog");
        List<Long> singlePositions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(single, CONFIG)) {
            for (byte[] payload : payloads) {
                singlePositions.add(log.append(payload));
            }
        }
        Path batched = dir.resolve("batched.glog");
        List<Long> batchPositions = new ArrayList<>();
        long end;
        try (GrowLog log = GrowLog.open(batched, CONFIG)) {
            RecordBatch batch = new RecordBatch(16);
            for (int i = 0; i < payloads.size(); ) {
                int n = 1 + random.nextInt(40);
                for (int k = 0; k < n && i < payloads.size(); k++, i++) {
                    if (random.nextBoolean()) {
                        batch.add(payloads.get(i));
                    } else {
                        batch.add(ByteBuffer.wrap(payloads.get(i)));
                    }
                }
                log.append(batch);
                for (int k = 0; k < batch.size(); k++) {
                    batchPositions.add(batch.position(k));
                }
            }
            end = log.endPosition();
            assertThat(log.stats().records()).isEqualTo(payloads.size());
        }

        assertThat(batchPositions).isEqualTo(singlePositions);
        assertThat(LogFiles.read(batched, LogFiles.HEADER_SIZE, (int) end - LogFiles.HEADER_SIZE))
                .isEqualTo(LogFiles.read(single, LogFiles.HEADER_SIZE, (int) end - LogFiles.HEADER_SIZE));
        try (GrowLog log = GrowLog.open(batched, CONFIG); LogReader reader = log.reader(log.startPosition())) {
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(singlePositions.get(i));
                assertThat(reader.bytes()).isEqualTo(payloads.get(i));
            }
            assertThat(reader.next()).isFalse();
        }
    }

    @Test
    void aBatchThatDoesNotFitInTheCurrentFile_goesWholeToTheNextFile() throws IOException {
        GrowLogConfig rolling = GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(SEGMENT).pretouchAhead(0)
                .rollSize(2 * SEGMENT).build();
        try (GrowLog log = GrowLog.open(dir.resolve("rolling.glog"), rolling)) {
            long first = log.append(new byte[60_000]);
            RecordBatch batch = new RecordBatch().add(Payloads.numbered(1, 40_000)).add(Payloads.numbered(2, 40_000));

            log.append(batch);

            assertThat(first).isLessThan(2 * SEGMENT);
            assertThat(batch.position(0)).as("the whole batch in file 1").isGreaterThanOrEqualTo(2 * SEGMENT);
            assertThat(log.stats().files()).isEqualTo(2);
            assertThat(log.read(batch.position(0))).isEqualTo(Payloads.numbered(1, 40_000));
            assertThat(log.read(batch.position(1))).isEqualTo(Payloads.numbered(2, 40_000));
        }
    }

    @Test
    void aBatchLargerThanAFile_isRefusedBeforeAnythingIsWritten() throws IOException {
        GrowLogConfig rolling = GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(SEGMENT).pretouchAhead(0)
                .rollSize(2 * SEGMENT).build();
        try (GrowLog log = GrowLog.open(dir.resolve("rolling.glog"), rolling)) {
            long first = log.append(new byte[100]);
            RecordBatch batch = new RecordBatch();
            for (int i = 0; i < 5; i++) {
                batch.add(new byte[SEGMENT / 2]);
            }
            long end = log.endPosition();

            assertThatThrownBy(() -> log.append(batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("smaller batches");

            assertThat(log.endPosition()).isEqualTo(end);
            assertThat(log.stats().records()).isEqualTo(1);
            assertThat(log.stats().files()).isEqualTo(1);
            assertThatThrownBy(() -> batch.position(0)).isInstanceOf(IllegalStateException.class);
            batch.clear().add("fits".getBytes(StandardCharsets.UTF_8));
            log.append(batch);
            assertThat(log.read(batch.position(0))).asString(StandardCharsets.UTF_8).isEqualTo("fits");
            assertThat(log.read(first)).hasSize(100);
        }
    }

    @Test
    void aBatchWithAnOversizedRecord_isRefusedWholeBeforeAnythingIsWritten() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("log.glog"), CONFIG)) {
            RecordBatch batch = new RecordBatch().add(new byte[10]).add(new byte[log.maxPayload() + 1]);
            long end = log.endPosition();

            assertThatThrownBy(() -> log.append(batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(log.maxPayload() + 1));

            assertThat(log.endPosition()).isEqualTo(end);
            assertThat(log.stats().records()).isZero();
        }
    }

    @Test
    void anEmptyBatch_appendsNothing() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("log.glog"), CONFIG)) {
            long end = log.endPosition();
            RecordBatch batch = new RecordBatch();

            log.append(batch);

            assertThat(log.endPosition()).isEqualTo(end);
            assertThat(batch.size()).isZero();
        }
    }

    @Test
    void addingAfterAnAppend_startsANewBatch() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("log.glog"), CONFIG)) {
            RecordBatch batch = new RecordBatch().add(new byte[3]).add(new byte[5]);
            log.append(batch);
            assertThat(batch.size()).isEqualTo(2);

            batch.add(new byte[7]);

            assertThat(batch.size()).isEqualTo(1);
            assertThat(batch.payloadBytes()).isEqualTo(7);
            assertThat(batch.length(0)).isEqualTo(7);
            assertThatThrownBy(() -> batch.position(0)).isInstanceOf(IllegalStateException.class);
            log.append(batch);
            assertThat(log.stats().records()).isEqualTo(3);
        }
    }

    @Test
    void aBatchCopiesItsPayloads_soTheCallerMayReuseItsArrays() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("log.glog"), CONFIG)) {
            byte[] buffer = "first".getBytes(StandardCharsets.UTF_8);
            RecordBatch batch = new RecordBatch(0).add(buffer);
            System.arraycopy("other".getBytes(StandardCharsets.UTF_8), 0, buffer, 0, 5);
            batch.add(buffer);

            log.append(batch);

            assertThat(log.read(batch.position(0))).asString(StandardCharsets.UTF_8).isEqualTo("first");
            assertThat(log.read(batch.position(1))).asString(StandardCharsets.UTF_8).isEqualTo("other");
        }
    }

    @Test
    void aDurableBatch_isDurableWhenTheCallReturns() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("log.glog"), CONFIG)) {
            RecordBatch batch = new RecordBatch();
            for (int i = 0; i < 100; i++) {
                batch.add(Payloads.numbered(i, 50));
            }

            log.appendDurable(batch);

            assertThat(log.stats().syncedPosition()).isEqualTo(log.endPosition());
            assertThat(log.checkpointInFile()).isLessThanOrEqualTo(log.endPosition());
        }
    }

    @Test
    void aTailer_isWokenOnceForTheWholeBatchAndSeesEveryRecord() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("log.glog"), CONFIG);
             Tailer tailer = log.tailer(log.endPosition())) {
            RecordBatch batch = new RecordBatch();
            for (int i = 0; i < 50; i++) {
                batch.add(Payloads.numbered(i, 20));
            }
            log.append(batch);

            for (int i = 0; i < 50; i++) {
                assertThat(tailer.poll(10, TimeUnit.SECONDS)).as("record %d", i).isTrue();
                assertThat(tailer.position()).isEqualTo(batch.position(i));
                assertThat(tailer.bytes()).isEqualTo(Payloads.numbered(i, 20));
            }
        }
    }

    /**
     * Batches copy runs of records in one piece and publish each record after it: a tailer, a
     * zero-copy reader and a reader of a read-only open, all following the writer, must see
     * every record whole and in order, never a record of a run before it is published.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readersFollowingBatches_seeEveryRecordIntactAndInOrder(Random random) throws Exception {
        int records = 10_000;
        Path file = dir.resolve("log.glog");
        try (GrowLog log = GrowLog.open(file, CONFIG); GrowLog readOnly = GrowLog.openReadOnly(file)) {
            long start = log.startPosition();
            CompletableFuture<Long> tailed = CompletableFuture.supplyAsync(() -> tail(log, start, records));
            CompletableFuture<Long> zeroCopy = CompletableFuture.supplyAsync(() -> scan(log, start, records));
            CompletableFuture<Long> other = CompletableFuture.supplyAsync(() -> scan(readOnly, start, records));
            RecordBatch batch = new RecordBatch(16);
            for (int i = 0; i < records; ) {
                for (int n = 1 + random.nextInt(60); n > 0 && i < records; n--, i++) {
                    batch.add(Payloads.numbered(i, length(i)));
                }
                log.append(batch);
            }
            long end = log.endPosition();
            assertThat(tailed.get()).isEqualTo(end);
            assertThat(zeroCopy.get()).isEqualTo(end);
            assertThat(other.get()).isEqualTo(end);
        }
    }

    /** Lengths from 8 bytes to a third of a segment: runs end at segment ends and pad. */
    private static int length(int record) {
        return 8 + (record * 7919) % (record % 50 == 0 ? SEGMENT / 3 : 300);
    }

    /** Polls a tailer for {@code records} records, checking each; returns the position after the last. */
    private static long tail(GrowLog log, long start, int records) {
        try (Tailer tailer = log.tailer(start)) {
            for (int i = 0; i < records; i++) {
                assertThat(tailer.poll(60, TimeUnit.SECONDS)).as("record %d", i).isTrue();
                assertThat(Payloads.numberOf(tailer.bytes())).isEqualTo(i);
                assertThat(tailer.length()).isEqualTo(length(i));
            }
            return tailer.position() + LogFiles.recordSize(length(records - 1));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Calls {@code forEach} again and again until {@code records} records were handed out,
     * checking each in place; returns the position after the last.
     */
    private static long scan(GrowLog log, long start, int records) {
        AtomicLong seen = new AtomicLong();
        AtomicLong after = new AtomicLong();
        try (LogReader reader = log.reader(start)) {
            while (seen.get() < records) {
                reader.forEach((position, payload) -> {
                    byte[] bytes = new byte[payload.remaining()];
                    payload.get(bytes);
                    int number = Payloads.numberOf(bytes);
                    assertThat(number).isEqualTo(seen.getAndIncrement());
                    after.set(position + LogFiles.recordSize(bytes.length));
                });
                Thread.onSpinWait();
            }
            return after.get();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReadOnlyLog_refusesABatch() throws IOException {
        Path file = dir.resolve("log.glog");
        try (GrowLog writer = GrowLog.open(file, CONFIG); GrowLog reader = GrowLog.openReadOnly(file)) {
            RecordBatch batch = new RecordBatch().add(new byte[1]);
            assertThatThrownBy(() -> reader.append(batch)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
            assertThat(writer.endPosition()).isEqualTo(writer.startPosition());
        }
    }
}
