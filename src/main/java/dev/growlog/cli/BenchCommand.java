package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogStats;
import dev.growlog.LogReader;
import dev.growlog.RecordBatch;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code growlog bench}: a quick benchmark of growlog against plain {@code FileChannel.write}
 * with the same framing, in one run, on one disk.
 */
@Command(name = "bench",
        description = {
            "Benchmark growlog against plain FileChannel.write, with ratios.",
            "Measures append throughput (single appends, and batches of 64 KiB), append latency (p50, p99, "
                    + "p99.9, max) and scan throughput of growlog "
                    + "against a FileChannel.write baseline with the same framing (length, CRC32C, payload, "
                    + "8-byte aligned, staged in a 64 KiB buffer), in the same run, and prints the ratios.",
            "Each side first runs a warm-up, then a timed pass (throughput), then a pass timing every append "
                    + "(latency), then three scans of all records (the fastest counts). Neither side syncs until "
                    + "the end, where the time of a sync (growlog: close) is shown. Files go to a new directory "
                    + "under --log-dir (which must exist) and are deleted afterwards, also when Ctrl-C or SIGTERM "
                    + "stops the run."})
final class BenchCommand implements Callable<Integer> {
    /** Scans of all records per side; the fastest counts (the first ones run partly interpreted). */
    private static final int SCANS = 3;
    /** Appends between two looks at a stop request: one volatile read per this many appends. */
    private static final int STOP_CHECK_MASK = 1023;

    @ParentCommand
    private GrowlogCommand parent;

    @Option(names = "--records", paramLabel = "N", defaultValue = "200000",
            description = "Records per pass (default: ${DEFAULT-VALUE}).")
    private int records;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "100",
            description = "Payload size of each record (default: ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--log-dir", paramLabel = "DIR",
            description = "An existing directory for the benchmark's files (default: the system's temporary "
                    + "directory).")
    private Path logDir;

    private Context context;

    /** What one side measured. */
    private record Measured(long appendNanos, Histogram latency, long scanNanos, long scanned, long syncNanos,
                            GrowLogStats stats) {
    }

    @Override
    public Integer call() throws IOException {
        if (records < 1) {
            throw new CliException(ExitCodes.USAGE, "--records must be at least 1: " + records);
        }
        if (size < 0 || size > FileChannelBaseline.STAGING - 8) {
            throw new CliException(ExitCodes.USAGE, "--size must be from 0 to " + (FileChannelBaseline.STAGING - 8)
                    + ": " + size);
        }
        context = parent.context();
        Path base = logDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : context.resolve(logDir);
        // A missing directory is often a disk that is not mounted: never create it (and leave it behind).
        if (!Files.isDirectory(base)) {
            if (Files.exists(base)) {
                throw new CliException(ExitCodes.USAGE, "--log-dir " + base + ": not a directory");
            }
            throw new CliException(ExitCodes.NOT_FOUND, "--log-dir " + base + ": no such directory");
        }
        Path dir = Files.createTempDirectory(base, "growlog-bench-");
        byte[] payload = new byte[size];
        new Random(42).nextBytes(payload);
        Output out = context.out();
        out.println("bench: " + records + " records of " + size + " bytes per pass, in " + dir + ", Java "
                + System.getProperty("java.version") + ", " + load());
        out.flush();
        try {
            int warmup = Math.max(1, records / 4);
            growlog(dir.resolve("warmup.glog"), payload, warmup);
            batchNanos(dir.resolve("warmup-batches.glog"), payload, warmup);
            baseline(dir.resolve("warmup.dat"), payload, warmup);
            Measured growlog = growlog(dir.resolve("bench.glog"), payload, records);
            long batchNanos = batchNanos(dir.resolve("batches.glog"), payload, records);
            Measured baseline = baseline(dir.resolve("bench.dat"), payload, records);
            report(out, growlog, batchNanos, baseline);
        } finally {
            deleteTree(dir);
        }
        return ExitCodes.OK;
    }

    private Measured growlog(Path file, byte[] payload, int n) throws IOException {
        GrowLog log = GrowLog.open(file);
        long appendNanos;
        Histogram latency;
        long[] scan;
        GrowLogStats stats;
        long closeStart;
        try {
            appendNanos = appendNanos(() -> log.append(payload), n);
            latency = latencies(() -> log.append(payload), n);
            scan = fastestScan(() -> {
                long scanned = 0;
                try (LogReader reader = log.reader(log.startPosition())) {
                    while (reader.next()) {
                        scanned++;
                    }
                }
                return scanned;
            });
            stats = log.stats();
        } finally {
            closeStart = System.nanoTime();
            log.close();
        }
        long syncNanos = System.nanoTime() - closeStart;
        deleteTree(file);
        return new Measured(appendNanos, latency, scan[1], scan[0], syncNanos, stats);
    }

    /**
     * Appends {@code n} records in batches that fill the baseline's staging buffer, the same
     * promise as the baseline's (a record reaches the page cache when its batch does); returns
     * the time taken.
     */
    private long batchNanos(Path file, byte[] payload, int n) throws IOException {
        long recordSize = 8 + ((payload.length + 7) & -8);
        RecordBatch batch = new RecordBatch(FileChannelBaseline.STAGING);
        try (GrowLog log = GrowLog.open(file)) {
            long start = System.nanoTime();
            long staged = 0;
            for (int i = 0; i < n; i++) {
                if ((i & STOP_CHECK_MASK) == 0) {
                    checkStop();
                }
                batch.add(payload);
                staged += recordSize;
                if (staged + recordSize > FileChannelBaseline.STAGING) {
                    log.append(batch);
                    batch.clear();
                    staged = 0;
                }
            }
            log.append(batch);
            return System.nanoTime() - start;
        } finally {
            deleteTree(file);
        }
    }

    private Measured baseline(Path file, byte[] payload, int n) throws IOException {
        try (FileChannelBaseline baseline = new FileChannelBaseline(file)) {
            long appendNanos = appendNanos(() -> baseline.append(payload), n);
            Histogram latency = latencies(() -> baseline.append(payload), n);
            long[] scan = fastestScan(baseline::scan);
            long start = System.nanoTime();
            baseline.sync();
            long syncNanos = System.nanoTime() - start;
            return new Measured(appendNanos, latency, scan[1], scan[0], syncNanos, null);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** One append, or one scan returning the records it read. */
    private interface Step {
        long run() throws IOException;
    }

    private long appendNanos(Step append, int n) throws IOException {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if ((i & STOP_CHECK_MASK) == 0) {
                checkStop();
            }
            append.run();
        }
        return System.nanoTime() - start;
    }

    private Histogram latencies(Step append, int n) throws IOException {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = 0; i < n; i++) {
            if ((i & STOP_CHECK_MASK) == 0) {
                checkStop();
            }
            long start = System.nanoTime();
            append.run();
            latency.recordValue(Math.min(System.nanoTime() - start, latency.getHighestTrackableValue()));
        }
        return latency;
    }

    /** Records scanned and the fastest of {@link #SCANS} scans in nanoseconds. */
    private long[] fastestScan(Step scan) throws IOException {
        long records = 0;
        long fastest = Long.MAX_VALUE;
        for (int round = 0; round < SCANS; round++) {
            checkStop();
            long start = System.nanoTime();
            records = scan.run();
            fastest = Math.min(fastest, System.nanoTime() - start);
        }
        return new long[] {records, fastest};
    }

    /** Ends the run when a stop was requested; the caller's finally deletes the files. */
    private void checkStop() {
        if (context.stopRequested()) {
            throw new CliException(ExitCodes.INTERRUPTED, "bench stopped");
        }
    }

    /** CPUs and load: a busy machine makes every number here noisy, so say so. */
    private static String load() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        double load = os.getSystemLoadAverage();
        return os.getAvailableProcessors() + " CPUs" + (load < 0 ? ""
                : String.format(Locale.ROOT, ", load average %.1f%s", load,
                        load > os.getAvailableProcessors() / 2.0 ? " (busy: expect noisy numbers)" : ""));
    }

    private void report(Output out, Measured g, long batchNanos, Measured b) throws StdoutClosedException {
        long bytes = (long) records * size;
        out.println(String.format(Locale.ROOT, "%-22s %16s %16s %8s", "", "growlog", "FileChannel", "ratio"));
        rate(out, "append records/s", records * 1e9 / g.appendNanos(), records * 1e9 / b.appendNanos(), "%,.0f");
        rate(out, "append MB/s", bytes * 1e3 / g.appendNanos(), bytes * 1e3 / b.appendNanos(), "%,.1f");
        rate(out, "batches records/s", records * 1e9 / batchNanos, records * 1e9 / b.appendNanos(), "%,.0f");
        for (double percentile : new double[] {50, 99, 99.9}) {
            latency(out, "append p" + (percentile == 99.9 ? "99.9" : Integer.toString((int) percentile)),
                    g.latency().getValueAtPercentile(percentile), b.latency().getValueAtPercentile(percentile));
        }
        latency(out, "append max", g.latency().getMaxValue(), b.latency().getMaxValue());
        rate(out, "scan records/s", g.scanned() * 1e9 / g.scanNanos(), b.scanned() * 1e9 / b.scanNanos(), "%,.0f");
        rate(out, "scan MB/s", 2 * bytes * 1e3 / g.scanNanos(), 2 * bytes * 1e3 / b.scanNanos(), "%,.1f");
        out.println(String.format(Locale.ROOT, "%-22s %16s %16s", "sync at the end", Units.seconds(g.syncNanos()),
                Units.seconds(b.syncNanos())));
        GrowLogStats s = g.stats();
        out.println("growlog: " + IngestCommand.growths(s) + ", file " + Units.size(s.fileSize()) + ", "
                + Units.count(s.records(), "record"));
        out.println("ratio = growlog / FileChannel: above 1 is better for rates, below 1 for latencies. "
                + "The baseline keeps up to 64 KiB of appended records in the process; growlog's single appends "
                + "are in the page cache at once, and its batches (append(RecordBatch), 64 KiB each, a separate "
                + "log) when each batch is appended: the baseline's promise.");
    }

    private static void rate(Output out, String name, double growlog, double baseline, String format)
            throws StdoutClosedException {
        out.println(String.format(Locale.ROOT, "%-22s %16s %16s %8s", name,
                String.format(Locale.ROOT, format, growlog), String.format(Locale.ROOT, format, baseline),
                ratio(growlog, baseline)));
    }

    private static void latency(Output out, String name, long growlog, long baseline) throws StdoutClosedException {
        out.println(String.format(Locale.ROOT, "%-22s %16s %16s %8s", name, Units.micros(growlog),
                Units.micros(baseline), ratio(growlog, Math.max(1, baseline))));
    }

    /** {@code "1.25x"}, or {@code "-"} when there is no ratio (empty records move 0 MB/s on both sides). */
    private static String ratio(double growlog, double baseline) {
        double ratio = growlog / baseline;
        return Double.isFinite(ratio) && baseline > 0 ? String.format(Locale.ROOT, "%.2fx", ratio) : "-";
    }

    /** Deletes {@code dir} and everything in it (a log is a directory of files). */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.deleteIfExists(dir);
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                deleteTree(file);
            }
        }
        Files.deleteIfExists(dir);
    }
}
