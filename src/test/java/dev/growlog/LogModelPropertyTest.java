package dev.growlog;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Model-based test: random sequences of appends (from empty to past the largest payload, so
 * that segments pad and the file grows and moves), random reads, scans, syncs and reopens,
 * checked against a plain list of payloads and the positions the format implies.
 *
 * <p>jqwik prints the seed of a failing run and shrinks the sequence. The default build runs a
 * bounded number of tries; the stress profile runs many more.
 */
class LogModelPropertyTest {
    private static final int SEGMENT = 64 * 1024;

    @Property(tries = 30)
    void aLogBehavesLikeAListOfRecords(@ForAll("operations") List<Op> operations,
                                       @ForAll("configs") GrowLogConfig config) throws IOException {
        check(operations, config);
        // The sequences must reach what the property is about, not only small appends.
        Statistics.coverage(coverage -> {
            coverage.check(true).count(c -> c > 0);
            coverage.check("padded").count(c -> c >= 3);
            coverage.check("moved").count(c -> c >= 3);
            coverage.check("refused").count(c -> c >= 3);
            coverage.check("reopened").count(c -> c >= 3);
        });
    }

    @Property(tries = 2000)
    @Tag("stress")
    void aLogBehavesLikeAListOfRecords_manyTries(@ForAll("operations") List<Op> operations,
                                                 @ForAll("configs") GrowLogConfig config) throws IOException {
        check(operations, config);
    }

    /** One step of a test run. */
    sealed interface Op permits Append, Read, ReadFrom, Scan, Sync, Reopen {
    }

    /** Appends {@code size} bytes made from {@code seed}, as an array or as a buffer. */
    record Append(int size, long seed, boolean asBuffer) implements Op {
    }

    /** Reads back the record at {@code fraction} of the model's length. */
    record Read(double fraction) implements Op {
    }

    /** Reads from the record at {@code fraction} of the model's length to the end. */
    record ReadFrom(double fraction) implements Op {
    }

    record Scan() implements Op {
    }

    record Sync() implements Op {
    }

    record Reopen() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.integers().between(0, 100)),
                Tuple.of(25, Arbitraries.integers().between(101, 6000)),
                Tuple.of(15, Arbitraries.integers().between(20_000, SEGMENT - 8)),
                // exactly the room left after the header, the largest payload, and around them
                Tuple.of(10, Arbitraries.of(0, 1, 7, 8, 9, SEGMENT - 4096 - 8, SEGMENT - 16, SEGMENT - 8)),
                Tuple.of(8, Arbitraries.integers().between(SEGMENT - 7, 70 * 1024)));
        Arbitrary<Op> append = Combinators.combine(sizes, Arbitraries.longs(), Arbitraries.of(false, true))
                .as(Append::new);
        Arbitrary<Double> fraction = Arbitraries.doubles().between(0, 1);
        return Arbitraries.frequencyOf(
                Tuple.of(12, append),
                Tuple.of(5, fraction.map(Read::new)),
                Tuple.of(1, fraction.map(ReadFrom::new)),
                Tuple.of(1, Arbitraries.just(new Scan())),
                Tuple.of(1, Arbitraries.just(new Sync())),
                Tuple.of(2, Arbitraries.just(new Reopen()))
        ).list().ofMinSize(5).ofMaxSize(60);
    }

    @Provide
    Arbitrary<GrowLogConfig> configs() {
        GrowLogConfig.Builder small = GrowLogConfig.builder().segmentSize(SEGMENT).maxGrowthStep(SEGMENT);
        return Arbitraries.of(
                small.initialSize(4096).headroom(0).build(),
                small.initialSize(8192).headroom(1L << 30).build(),
                small.initialSize(3 * SEGMENT).headroom(0).maxGrowthStep(4096).build());
    }

    private static void check(List<Op> operations, GrowLogConfig config) throws IOException {
        Path dir = Files.createTempDirectory("growlog-model");
        try {
            new Run(dir.resolve("model.glog"), config).execute(operations);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The log under test beside its model. */
    private static final class Run {
        private final Path file;
        private final GrowLogConfig config;
        private final List<byte[]> payloads = new ArrayList<>();
        private final List<Long> positions = new ArrayList<>();
        /** Where the model says the next record goes, padding aside. */
        private long end = LogFiles.HEADER_SIZE;
        private GrowLog log;
        /** What this run reached, for the coverage check. */
        private boolean padded;
        private boolean moved;
        private boolean refused;
        private boolean reopened;

        Run(Path file, GrowLogConfig config) {
            this.file = file;
            this.config = config;
        }

        void execute(List<Op> operations) throws IOException {
            log = GrowLog.open(file, config);
            try {
                for (Op op : operations) {
                    apply(op);
                    assertThat(log.endPosition()).as("end after %s", op).isEqualTo(end);
                }
                moved |= log.stats().moves() > 0;
                scan(0);
                reopen();
                scan(0);
            } finally {
                log.close();
            }
            Statistics.collect(true);
            for (var feature : List.of(Tuple.of("padded", padded), Tuple.of("moved", moved),
                    Tuple.of("refused", refused), Tuple.of("reopened", reopened))) {
                if (feature.get2()) {
                    Statistics.collect(feature.get1());
                }
            }
        }

        private void apply(Op op) throws IOException {
            if (op instanceof Append a) {
                append(a);
            } else if (op instanceof Read r) {
                if (payloads.isEmpty()) {
                    assertThatThrownBy(() -> log.read(log.startPosition())).isInstanceOf(IllegalArgumentException.class);
                } else {
                    int i = index(r.fraction());
                    assertThat(log.read(positions.get(i))).as("record %d", i).isEqualTo(payloads.get(i));
                }
            } else if (op instanceof ReadFrom r) {
                scan(payloads.isEmpty() ? 0 : index(r.fraction()));
            } else if (op instanceof Scan) {
                scan(0);
            } else if (op instanceof Sync) {
                log.sync();
                assertThat(log.stats().syncedPosition()).isEqualTo(end);
            } else if (op instanceof Reopen) {
                reopened = true;
                reopen();
            }
        }

        private void append(Append a) throws IOException {
            byte[] payload = Payloads.random(a.seed(), a.size());
            if (a.size() > SEGMENT - 8) {
                assertThatThrownBy(() -> appendAs(payload, a.asBuffer())).isInstanceOf(IllegalArgumentException.class);
                refused = true;
                return;
            }
            long expected = end;
            long size = LogFiles.recordSize(payload.length);
            long segmentEnd = (expected / SEGMENT + 1) * SEGMENT;
            if (expected + size > segmentEnd) {
                expected = segmentEnd; // padded: records never straddle a segment
                padded = true;
            }
            long position = appendAs(payload, a.asBuffer());
            assertThat(position).as("position of a %d-byte record", payload.length).isEqualTo(expected);
            payloads.add(payload);
            positions.add(position);
            end = position + size;
        }

        private long appendAs(byte[] payload, boolean asBuffer) throws IOException {
            return asBuffer ? log.append(ByteBuffer.wrap(payload)) : log.append(payload);
        }

        private void reopen() throws IOException {
            moved |= log.stats().moves() > 0;
            log.close();
            log = GrowLog.open(file, config);
            RecoveryReport report = log.recoveryReport();
            assertThat(report.cleanShutdown()).isTrue();
            assertThat(report.tailCut()).as(report.summary()).isFalse();
            assertThat(log.stats().records()).isEqualTo(payloads.size());
        }

        /** Reads from record {@code from} to the end; the reader must find exactly the model's records. */
        private void scan(int from) throws IOException {
            long start = payloads.isEmpty() ? log.startPosition() : positions.get(from);
            try (LogReader reader = log.reader(start)) {
                for (int i = from; i < payloads.size(); i++) {
                    assertThat(reader.next()).as("record %d exists", i).isTrue();
                    assertThat(reader.position()).isEqualTo(positions.get(i));
                    assertThat(reader.bytes()).as("record %d", i).isEqualTo(payloads.get(i));
                }
                assertThat(reader.next()).as("no record after the last").isFalse();
            }
        }

        private int index(double fraction) {
            return Math.min(payloads.size() - 1, (int) (fraction * payloads.size()));
        }
    }
}
