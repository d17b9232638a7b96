package dev.growlog;

import dev.growlog.error.RecordsDroppedException;
import dev.growlog.internal.chain.DataFiles;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Model-based test of the chain of files: random sequences of appends (from empty to the
 * largest payload, and records that end exactly at a segment's or a file's end), reads,
 * scans, truncations (at a record or at the end), syncs and reopens, on a log of small files
 * that rolls every few appends, checked against a list of (position, payload) and a start.
 *
 * <p>The model places records itself: a record never straddles a segment, and one that does not
 * fit before the file's end goes to the next file's first position, {@code base + 4096}. A
 * truncation moves the model's start and drops the records below it; reading one of them must
 * throw {@link RecordsDroppedException} naming that position and the start; only whole files
 * below the start are deleted, never the writer's.
 */
class ChainModelPropertyTest {
    private static final int SEGMENT = 64 * 1024;
    private static final long SPAN = 2L * SEGMENT;
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(SEGMENT).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(SEGMENT).pretouchAhead(0).build();

    @Property(tries = 40)
    void aChainOfFilesBehavesLikeAListOfRecordsWithAStart(@ForAll("operations") List<Op> operations)
            throws IOException {
        check(operations);
        // The sequences must reach what the property is about.
        Statistics.coverage(coverage -> {
            coverage.check("rolled").count(c -> c >= 10);
            coverage.check("truncated").count(c -> c >= 10);
            coverage.check("deleted a file").count(c -> c >= 5);
            coverage.check("truncated at the end").count(c -> c >= 3);
            coverage.check("reopened after a truncation").count(c -> c >= 5);
            coverage.check("filled a file to its end").count(c -> c >= 3);
        });
    }

    @Property(tries = 1500)
    @Tag("stress")
    void aChainOfFilesBehavesLikeAListOfRecordsWithAStart_manyTries(@ForAll("operations") List<Op> operations)
            throws IOException {
        check(operations);
    }

    /** One step of a run. */
    sealed interface Op permits Append, Fill, Read, ReadDropped, ScanFrom, Truncate, TruncateAtEnd, Sync, Reopen {
    }

    /** Appends {@code size} bytes made from {@code seed}. */
    record Append(int size, long seed) implements Op {
    }

    /** Appends a record that ends exactly at the current segment's end (the file's, in its last segment). */
    record Fill(long seed) implements Op {
    }

    /** Reads back the live record at {@code fraction} of the model's live records. */
    record Read(double fraction) implements Op {
    }

    /** Reads the dropped record at {@code fraction} of the dropped ones: RecordsDroppedException. */
    record ReadDropped(double fraction) implements Op {
    }

    /** A reader from the live record at {@code fraction} to the end, one from the start when there is none. */
    record ScanFrom(double fraction) implements Op {
    }

    /** Truncates before the live record at {@code fraction}. */
    record Truncate(double fraction) implements Op {
    }

    record TruncateAtEnd() implements Op {
    }

    record Sync() implements Op {
    }

    record Reopen() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                Tuple.of(25, Arbitraries.integers().between(0, 100)),
                Tuple.of(25, Arbitraries.integers().between(101, 8000)),
                Tuple.of(40, Arbitraries.integers().between(8001, SEGMENT - 8)),
                Tuple.of(10, Arbitraries.of(0, 8, SEGMENT - 4096 - 8, SEGMENT - 16, SEGMENT - 8)));
        Arbitrary<Op> append = Combinators.combine(sizes, Arbitraries.longs()).as(Append::new);
        Arbitrary<Double> fraction = Arbitraries.doubles().between(0, 1);
        return Arbitraries.frequencyOf(
                Tuple.of(20, append),
                Tuple.of(2, Arbitraries.longs().map(Fill::new)),
                Tuple.of(4, fraction.map(Read::new)),
                Tuple.of(2, fraction.map(ReadDropped::new)),
                Tuple.of(1, fraction.map(ScanFrom::new)),
                Tuple.of(3, fraction.map(Truncate::new)),
                Tuple.of(1, Arbitraries.just(new TruncateAtEnd())),
                Tuple.of(1, Arbitraries.just(new Sync())),
                Tuple.of(2, Arbitraries.just(new Reopen()))
        ).list().ofMinSize(20).ofMaxSize(80);
    }

    private static void check(List<Op> operations) throws IOException {
        Path dir = Files.createTempDirectory("growlog-chain-model");
        try {
            new Run(dir.resolve("chain"), operations).execute();
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
        private final Path path;
        private final List<Op> operations;
        /** Live records, in order: every one at or after {@link #start}. */
        private final List<Long> positions = new ArrayList<>();
        private final List<byte[]> payloads = new ArrayList<>();
        /** Dropped records' positions, below {@link #start}. */
        private final List<Long> dropped = new ArrayList<>();
        /** The model's start: the first position that can be read. */
        private long start = LogFiles.HEADER_SIZE;
        /** Where the next record goes, padding aside; may be a file's span end. */
        private long end = LogFiles.HEADER_SIZE;
        private GrowLog log;
        private boolean rolled;
        private boolean truncated;
        private boolean deletedAFile;
        private boolean truncatedAtEnd;
        private boolean reopenedAfterTruncation;
        private boolean filled;

        Run(Path path, List<Op> operations) {
            this.path = path;
            this.operations = operations;
        }

        void execute() throws IOException {
            log = GrowLog.open(path, CONFIG);
            try {
                for (Op op : operations) {
                    apply(op);
                    assertThat(log.startPosition()).as("start after %s", op).isEqualTo(start);
                    assertThat(log.endPosition()).as("end after %s", op).isEqualTo(normalize(end));
                    checkFiles(op);
                }
                scan(0);
                reopen();
                scan(0);
            } finally {
                log.close();
            }
            for (var feature : List.of(Tuple.of("rolled", rolled), Tuple.of("truncated", truncated),
                    Tuple.of("deleted a file", deletedAFile), Tuple.of("truncated at the end", truncatedAtEnd),
                    Tuple.of("reopened after a truncation", reopenedAfterTruncation),
                    Tuple.of("filled a file to its end", filled))) {
                if (feature.get2()) {
                    Statistics.collect(feature.get1());
                }
            }
        }

        private void apply(Op op) throws IOException {
            if (op instanceof Append a) {
                append(Payloads.random(a.seed(), a.size()));
            } else if (op instanceof Fill f) {
                long local = end % SPAN == 0 ? SPAN : end % SPAN; // a span end is the end of the file
                if (local == SPAN) {
                    append(Payloads.random(f.seed(), SEGMENT - 4096 - 8)); // fills the next file's first segment
                } else {
                    long segmentEnd = (local / SEGMENT + 1) * SEGMENT;
                    filled |= segmentEnd == SPAN;
                    append(Payloads.random(f.seed(), (int) (segmentEnd - local - 8)));
                }
            } else if (op instanceof Read r) {
                if (positions.isEmpty()) {
                    assertThatThrownBy(() -> log.read(log.endPosition())).isInstanceOf(IllegalArgumentException.class);
                } else {
                    int i = index(r.fraction(), positions.size());
                    assertThat(log.read(positions.get(i))).as("record at %d", positions.get(i))
                            .isEqualTo(payloads.get(i));
                }
            } else if (op instanceof ReadDropped r) {
                if (!dropped.isEmpty()) {
                    long position = dropped.get(index(r.fraction(), dropped.size()));
                    Throwable thrown = catchThrowable(() -> log.read(position));
                    assertThat(thrown).as("reading dropped %d", position).isInstanceOf(RecordsDroppedException.class);
                    RecordsDroppedException e = (RecordsDroppedException) thrown;
                    assertThat(e.position()).isEqualTo(position);
                    assertThat(e.startPosition()).isEqualTo(start);
                    assertThatThrownBy(() -> log.reader(position)).isInstanceOf(RecordsDroppedException.class);
                }
            } else if (op instanceof ScanFrom s) {
                scan(positions.isEmpty() ? 0 : index(s.fraction(), positions.size()));
            } else if (op instanceof Truncate t) {
                if (!positions.isEmpty()) {
                    truncate(positions.get(index(t.fraction(), positions.size())));
                }
            } else if (op instanceof TruncateAtEnd) {
                truncatedAtEnd = true;
                truncate(log.endPosition());
            } else if (op instanceof Sync) {
                log.sync();
            } else if (op instanceof Reopen) {
                reopenedAfterTruncation |= truncated;
                reopen();
            }
        }

        private void append(byte[] payload) throws IOException {
            long expected = normalize(end);
            long size = LogFiles.recordSize(payload.length);
            // Padded while it does not fit: records never straddle a segment, and a segment end that
            // is a span end is the next file's first record, after its header.
            for (long segmentEnd = (expected / SEGMENT + 1) * SEGMENT; expected + size > segmentEnd;
                 segmentEnd = (expected / SEGMENT + 1) * SEGMENT) {
                expected = normalize(segmentEnd);
            }
            rolled |= expected / SPAN != normalize(end) / SPAN;
            long position = log.append(payload);
            assertThat(position).as("position of a %d-byte record after %d", payload.length, end)
                    .isEqualTo(expected);
            positions.add(position);
            payloads.add(payload);
            end = position + size;
        }

        private void truncate(long position) throws IOException {
            int filesBefore = dataFiles().size();
            log.truncateBefore(position);
            if (position > start) {
                truncated = true;
                start = position;
                while (!positions.isEmpty() && positions.get(0) < position) {
                    dropped.add(positions.remove(0));
                    payloads.remove(0);
                }
            }
            deletedAFile |= dataFiles().size() < filesBefore;
        }

        /** Data files: none wholly below the start but the writer's, none missing between. */
        private void checkFiles(Op op) throws IOException {
            List<Long> files = dataFiles();
            long writer = normalize(end) / SPAN;
            long writerFile = end % SPAN == 0 ? end / SPAN - 1 : writer; // a full file stays the writer's
            long first = Math.min(start / SPAN, writerFile);
            boolean settled = op instanceof Sync || op instanceof Reopen || op instanceof Truncate
                    || op instanceof TruncateAtEnd;
            if (!settled && files.size() > 1 && files.get(0) == first - 1) {
                // the full file a truncation at its end left to the writer: after the roll, it goes
                // when the background thread or the next sync retires it
                files = files.subList(1, files.size());
            }
            assertThat(files).as("data files (by index) after %s, start %d, end %d", op, start, end)
                    .first().isEqualTo(first);
            for (int i = 1; i < files.size(); i++) {
                assertThat(files.get(i)).as("file after %d", files.get(i - 1)).isEqualTo(files.get(i - 1) + 1);
            }
            assertThat(files.get(files.size() - 1)).as("last file after %s", op).isEqualTo(writerFile);
        }

        private List<Long> dataFiles() throws IOException {
            return DataFiles.list(path).keySet().stream().map(base -> base / SPAN).toList();
        }

        private void reopen() throws IOException {
            log.close();
            log = GrowLog.open(path, CONFIG);
            RecoveryReport report = log.recoveryReport();
            assertThat(report.cleanShutdown()).isTrue();
            assertThat(report.tailCut()).as(report.summary()).isFalse();
            assertThat(log.startPosition()).as("start after reopening").isEqualTo(start);
            assertThat(log.endPosition()).as("end after reopening").isEqualTo(normalize(end));
            assertThat(DataFiles.temporary(path)).as("temporary files after reopening").isEmpty();
        }

        /** Reads from live record {@code from} to the end; exactly the model's records. */
        private void scan(int from) throws IOException {
            long at = positions.isEmpty() ? log.startPosition() : positions.get(from);
            try (LogReader reader = log.reader(at)) {
                for (int i = from; i < positions.size(); i++) {
                    assertThat(reader.next()).as("record %d exists", i).isTrue();
                    assertThat(reader.position()).isEqualTo(positions.get(i));
                    assertThat(reader.bytes()).as("record at %d", positions.get(i)).isEqualTo(payloads.get(i));
                }
                assertThat(reader.next()).as("no record after the last").isFalse();
            }
        }

        private static long normalize(long position) {
            return position % SPAN < LogFiles.HEADER_SIZE ? position - position % SPAN + LogFiles.HEADER_SIZE
                    : position;
        }

        private static int index(double fraction, int size) {
            return Math.min(size - 1, (int) (fraction * size));
        }
    }
}
