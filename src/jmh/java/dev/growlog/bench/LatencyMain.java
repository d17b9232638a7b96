package dev.growlog.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Append latency at a paced rate: one thread appends {@code --payload}-byte records at
 * {@code --rate} records per second for {@code --seconds} into a fresh, growing log (so
 * {@code fallocate}, {@code mremap} and first-touch page faults fall inside the window), for
 * growlog, Chronicle Queue and the raw mapping, in turns, for {@code --rounds} rounds. Each
 * system first runs {@code --warmup} seconds the same way, discarded, so the JIT has compiled it.
 * {@code --systems growlog,growlogRolling} compares a log that rolls every 64 MiB with one that
 * only grows.
 *
 * <p>Each measured run starts {@code --settle} seconds (default 3) after the previous one's file
 * was deleted: freeing a file of a gigabyte or more keeps the file system's journal busy for a
 * moment, and that work belongs to no system's window.
 *
 * <p>Latency is measured from when a record was due (start + i / rate), not from when it was
 * sent, so time the writer spends behind schedule counts (no coordinated omission); the
 * service time (from the actual start of the call) is kept alongside. The writer busy-waits for
 * each due time. Percentiles come from an HdrHistogram with 3 significant digits.
 *
 * <p>Run it from the benchmarks jar with the JVM options in {@link JvmArgs} (Chronicle Queue
 * needs them); {@code --json FILE} writes the results for {@link ReportTable}.
 */
public final class LatencyMain {
    private LatencyMain() {
    }

    private static final class Options {
        long rate = 1_000_000;
        int payload = 256;
        int seconds = 5;
        int warmup = 2;
        int rounds = 2;
        int settle = 3;
        List<String> systems = List.of("growlog", "chronicle", "raw");
        Path json;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + args[i]);
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--rate" -> o.rate = Long.parseLong(value);
                    case "--payload" -> o.payload = Integer.parseInt(value);
                    case "--seconds" -> o.seconds = Integer.parseInt(value);
                    case "--warmup" -> o.warmup = Integer.parseInt(value);
                    case "--rounds" -> o.rounds = Integer.parseInt(value);
                    case "--settle" -> o.settle = Integer.parseInt(value);
                    case "--systems" -> o.systems = List.of(value.split(","));
                    case "--json" -> o.json = Paths.get(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --rate --payload --seconds --warmup --rounds --settle --systems --json)");
                }
            }
            return o;
        }
    }

    /** One measured run. Times in nanoseconds. */
    record Run(String system, int round, long count, long p50, long p99, long p999, long max, long over1ms,
               long serviceP999, long serviceMax, long growths) {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        byte[] payload = Payloads.random(o.payload);
        for (String system : o.systems) {
            try (AppendSink sink = open(system)) {
                paced(sink, payload, o.rate, o.warmup, new Histogram(3), new Histogram(3));
            }
        }
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= o.rounds; round++) {
            for (String system : o.systems) {
                Histogram latency = new Histogram(3);
                Histogram service = new Histogram(3);
                long growths = -1;
                long rolls = -1;
                Thread.sleep(TimeUnit.SECONDS.toMillis(o.settle));
                try (AppendSink sink = open(system)) {
                    paced(sink, payload, o.rate, o.seconds, latency, service);
                    if (sink instanceof GrowLogSink g) {
                        growths = g.log().stats().growths();
                        rolls = g.log().endPosition() / g.log().stats().rollSize();
                    }
                }
                Run run = new Run(system, round, latency.getTotalCount(), latency.getValueAtPercentile(50),
                        latency.getValueAtPercentile(99), latency.getValueAtPercentile(99.9), latency.getMaxValue(),
                        latency.getTotalCount() - latency.getCountBetweenValues(0, 1_000_000),
                        service.getValueAtPercentile(99.9), service.getMaxValue(), growths);
                runs.add(run);
                System.out.printf(Locale.ROOT, "%-9s round %d: %d records, p50 %.2f us, p99 %.2f us, p99.9 %.2f us,"
                                + " max %.1f us, %d over 1 ms (service p99.9 %.2f us, max %.1f us)%s%n",
                        system, round, run.count(), run.p50() / 1e3, run.p99() / 1e3, run.p999() / 1e3,
                        run.max() / 1e3, run.over1ms(), run.serviceP999() / 1e3, run.serviceMax() / 1e3,
                        growths >= 0 ? ", " + growths + " growths" + (rolls > 0 ? ", " + rolls + " rolls" : "") : "");
                System.gc(); // not inside the next window
            }
        }
        if (o.json != null) {
            Files.writeString(o.json, toJson(o, runs), StandardCharsets.UTF_8);
        }
    }

    private static AppendSink open(String system) throws IOException {
        return switch (system) {
            case "growlog" -> GrowLogSink.growing();
            case "growlogRolling" -> GrowLogSink.rolling();
            case "chronicle" -> new ChronicleSink();
            case "raw" -> RawMappingSink.growing();
            case "fileChannel" -> new FileChannelSink();
            case "mappedChunks" -> new MappedChunkSink();
            default -> throw new IllegalArgumentException("unknown system " + system);
        };
    }

    /** Appends at {@code rate} for {@code seconds}, recording latency from each due time. */
    private static void paced(AppendSink sink, byte[] payload, long rate, int seconds, Histogram latency,
                              Histogram service) throws IOException {
        long total = rate * seconds;
        long start = System.nanoTime() + 1_000_000;
        for (long i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long now = System.nanoTime();
            while (now < due) {
                Thread.onSpinWait();
                now = System.nanoTime();
            }
            sink.append(payload);
            long done = System.nanoTime();
            latency.recordValue(done - due);
            service.recordValue(done - now);
        }
    }

    private static String toJson(Options o, List<Run> runs) {
        StringBuilder s = new StringBuilder();
        s.append("{\n  \"rate\": ").append(o.rate).append(",\n  \"payload\": ").append(o.payload)
                .append(",\n  \"seconds\": ").append(o.seconds).append(",\n  \"runs\": [\n");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            s.append(String.format(Locale.ROOT, "    {\"system\": \"%s\", \"round\": %d, \"count\": %d, \"p50\": %d,"
                            + " \"p99\": %d, \"p999\": %d, \"max\": %d, \"over1ms\": %d, \"serviceP999\": %d,"
                            + " \"serviceMax\": %d, \"growths\": %d}%s%n",
                    r.system(), r.round(), r.count(), r.p50(), r.p99(), r.p999(), r.max(), r.over1ms(),
                    r.serviceP999(), r.serviceMax(), r.growths(), i + 1 < runs.size() ? "," : ""));
        }
        return s.append("  ]\n}\n").toString();
    }
}
