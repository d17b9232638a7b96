package dev.growlog.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints Markdown tables from JMH JSON results ({@code -rf json -rff FILE}) and, optionally,
 * from {@link LatencyMain}'s JSON:
 *
 * <pre>{@code
 * java -cp target/benchmarks.jar dev.growlog.bench.ReportTable jmh.json [--latency latency.json] [--into doc.md]
 * }</pre>
 *
 * <p>With {@code --into}, the tables also replace the text between the {@link #BEGIN} and
 * {@link #END} markers of that Markdown file, so the published numbers are never edited by hand.
 *
 * <p>Every figure is JMH's score with its 99.9% error. A ratio a/b carries the error
 * {@code a/b * sqrt((ea/a)^2 + (eb/b)^2)} (the two errors combined as if independent). A goal
 * is "met" when the whole interval clears it, "missed" when the whole interval falls short and
 * "within error" otherwise.
 */
public final class ReportTable {
    private final Map<String, Score> scores = new HashMap<>();
    private final StringBuilder out = new StringBuilder();

    private ReportTable() {
    }

    /** A score and its error (NaN when JMH had too few iterations to give one). */
    record Score(double value, double error) {
        Score ratio(Score other) {
            double r = value / other.value;
            double e = r * Math.hypot(error / value, other.error / other.value);
            return new Score(r, e);
        }

        Score times(double factor) {
            return new Score(value * factor, error * factor);
        }

        double low() {
            return Double.isNaN(error) ? value : value - error;
        }

        double high() {
            return Double.isNaN(error) ? value : value + error;
        }
    }

    public static void main(String[] args) throws IOException {
        ReportTable report = new ReportTable();
        String latency = null;
        String into = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--latency")) {
                latency = args[++i];
            } else if (args[i].equals("--into")) {
                into = args[++i];
            } else {
                report.load(Files.readString(Paths.get(args[i]), StandardCharsets.UTF_8));
            }
        }
        report.append();
        report.prefaulted();
        report.reads();
        report.scans();
        report.randomReads();
        report.growth();
        report.recovery();
        report.durable();
        report.rolling();
        if (latency != null) {
            report.latency(Files.readString(Paths.get(latency), StandardCharsets.UTF_8));
        }
        System.out.print(report.out);
        if (into != null) {
            report.splice(Paths.get(into));
        }
    }

    static final String BEGIN = "<!-- BEGIN GENERATED TABLES (ReportTable) -->";
    static final String END = "<!-- END GENERATED TABLES -->";

    /** Replaces what lies between {@link #BEGIN} and {@link #END} in {@code file} with the tables. */
    private void splice(Path file) throws IOException {
        String doc = Files.readString(file, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(file + " has no '" + BEGIN + "' ... '" + END + "' markers");
        }
        String updated = doc.substring(0, begin + BEGIN.length()) + "\n\n" + out + doc.substring(end);
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private void load(String json) {
        for (Object item : (List<Object>) Json.parse(json)) {
            Map<String, Object> result = (Map<String, Object>) item;
            String benchmark = (String) result.get("benchmark");
            benchmark = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            Map<String, Object> params = (Map<String, Object>) result.getOrDefault("params", Map.of());
            String key = benchmark + new TreeMap<>(params);
            scores.put(key, score((Map<String, Object>) result.get("primaryMetric")));
            Map<String, Object> secondary = (Map<String, Object>) result.getOrDefault("secondaryMetrics", Map.of());
            for (Map.Entry<String, Object> metric : secondary.entrySet()) {
                scores.put(key + ":" + metric.getKey(), score((Map<String, Object>) metric.getValue()));
            }
        }
    }

    private static Score score(Map<String, Object> metric) {
        return new Score(number(metric.get("score")), number(metric.get("scoreError")));
    }

    private static double number(Object value) {
        if (value instanceof Double d) {
            return d;
        }
        return value == null ? Double.NaN : Double.parseDouble(value.toString());
    }

    /** The score of {@code benchmark} with {@code params} ("name=value,..."), or null. */
    private Score get(String benchmark, String params, String metric) {
        Map<String, Object> map = new TreeMap<>();
        if (!params.isEmpty()) {
            for (String pair : params.split(",")) {
                String[] kv = pair.split("=", 2);
                map.put(kv[0], kv[1]);
            }
        }
        return scores.get(benchmark + map + (metric == null ? "" : ":" + metric));
    }

    private static final String[] PAYLOADS = {"64", "1024", "4096"};

    private void batches() {
        if (get("AppendBenchmark.growlogBatch", "payloadSize=64", null) == null) {
            return;
        }
        line("Batch appends, same run: records gathered into 64 KiB batches and appended with "
                + "`append(RecordBatch)`, against `FileChannel.write` through a 64 KiB staging buffer (both keep up to "
                + "64 KiB in the process before it reaches the page cache).");
        line("");
        line("| payload | growlog batches | FileChannel.write | growlog single appends | batches / FileChannel "
                + "(goal ≥ 1.0 at 64 B) | batches / single |");
        line("|---|---|---|---|---|---|");
        for (String p : PAYLOADS) {
            String params = "payloadSize=" + p;
            Score b = get("AppendBenchmark.growlogBatch", params, null);
            Score fc = get("AppendBenchmark.fileChannel", params, null);
            Score g = get("AppendBenchmark.growlog", params, null);
            line("| " + bytes(p) + " | " + millions(b) + " | " + millions(fc) + " | " + millions(g) + " | "
                    + goal(ratio(b, fc), 1.0) + " | " + plain(ratio(b, g)) + " |");
        }
        line("");
    }

    private void append() {
        if (get("AppendBenchmark.growlog", "payloadSize=64", null) == null) {
            return;
        }
        line("### Append throughput into a growing log, no sync (million records/s)");
        line("");
        line("| payload | growlog | raw limit | FileChannel.write | MappedByteBuffer chunks | Chronicle Queue "
                + "| growlog / raw (goal ≥ 0.90) | growlog / FileChannel | growlog / mapped chunks "
                + "| growlog / Chronicle | growlog GB/s of records |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        for (String p : PAYLOADS) {
            String params = "payloadSize=" + p;
            Score g = get("AppendBenchmark.growlog", params, null);
            Score raw = get("AppendBenchmark.raw", params, null);
            Score fc = get("AppendBenchmark.fileChannel", params, null);
            Score mbb = get("AppendBenchmark.mappedChunks", params, null);
            Score cq = get("AppendBenchmark.chronicle", params, null);
            line("| " + bytes(p) + " | " + millions(g) + " | " + millions(raw) + " | " + millions(fc) + " | "
                    + millions(mbb) + " | " + millions(cq) + " | " + goal(ratio(g, raw), 0.90) + " | "
                    + goal(ratio(g, fc), 1.0) + " | " + goal(ratio(g, mbb), 1.0) + " | " + goal(ratio(g, cq), 1.0)
                    + " | " + (g == null ? "–" : plain(g.times(Payloads.recordSize(Integer.parseInt(p)) / 1e9)))
                    + " |");
        }
        line("");
        line("Peers \"ahead\" goals: growlog / peer ≥ 1.00.");
        line("");
        batches();
        if (get("AppendBenchmark.rawUnaligned", "payloadSize=64", null) == null) {
            return;
        }
        line("Diagnostics, same run: the raw limit with its reservation placed as growlog places its own "
                + "(1 MiB off a 2 MiB boundary), and without `fallocate`.");
        line("");
        line("| payload | raw limit | raw, growlog's placement | raw, no fallocate | growlog's placement / raw "
                + "| no fallocate / raw | growlog / raw with growlog's placement |");
        line("|---|---|---|---|---|---|---|");
        for (String p : PAYLOADS) {
            String params = "payloadSize=" + p;
            Score g = get("AppendBenchmark.growlog", params, null);
            Score raw = get("AppendBenchmark.raw", params, null);
            Score unaligned = get("AppendBenchmark.rawUnaligned", params, null);
            Score sparse = get("AppendBenchmark.rawSparse", params, null);
            line("| " + bytes(p) + " | " + millions(raw) + " | " + millions(unaligned) + " | " + millions(sparse)
                    + " | " + plain(ratio(unaligned, raw)) + " | " + plain(ratio(sparse, raw)) + " | "
                    + plain(ratio(g, unaligned)) + " |");
        }
        line("");
    }

    private void prefaulted() {
        if (get("AppendBenchmark.growlogPrefaulted", "payloadSize=64", "records") == null) {
            return;
        }
        line("### Append throughput into a pre-grown, pre-faulted log (million records/s)");
        line("");
        line("| payload | growlog pre-faulted | growlog batches pre-faulted | raw pre-faulted (memory ceiling) "
                + "| growlog / raw | batches / raw "
                + "| growlog pre-faulted / growing | raw pre-faulted / growing | raw pre-faulted GB/s |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (String p : PAYLOADS) {
            String params = "payloadSize=" + p;
            Score g = get("AppendBenchmark.growlogPrefaulted", params, "records");
            Score b = get("AppendBenchmark.growlogBatchPrefaulted", params, "records");
            Score raw = get("AppendBenchmark.rawPrefaulted", params, "records");
            line("| " + bytes(p) + " | " + millions(g) + " | " + millions(b) + " | " + millions(raw) + " | "
                    + plain(ratio(g, raw)) + " | " + plain(ratio(b, raw)) + " | "
                    + plain(ratio(g, get("AppendBenchmark.growlog", params, null))) + " | "
                    + plain(ratio(raw, get("AppendBenchmark.raw", params, null))) + " | "
                    + (raw == null ? "–" : plain(raw.times(Payloads.recordSize(Integer.parseInt(p)) / 1e9))) + " |");
        }
        line("");
    }

    private void reads() {
        Score base = get("ReadBenchmark.next_1reader", "writer=idle", null);
        if (base == null) {
            return;
        }
        line("### Reads while a writer appends (million records/s, summed over reader threads; 256 B payloads)");
        line("");
        line("| read path | readers | no writer | writer appending | with writer / no writer "
                + "| vs. one reader, no writer | writer's rate, M records/s |");
        line("|---|---|---|---|---|---|---|");
        String[][] rows = {{"next() + payload()", "next_1reader", "1", "next_1reader"},
            {"next() + payload()", "next_2readers", "2", "next_1reader"},
            {"forEach (zero-copy)", "forEach_1reader", "1", "forEach_1reader"},
            {"forEach (zero-copy)", "forEach_2readers", "2", "forEach_1reader"}};
        for (String[] row : rows) {
            Score idle = get("ReadBenchmark." + row[1], "writer=idle", null);
            Score busy = get("ReadBenchmark." + row[1], "writer=appending", null);
            Score single = get("ReadBenchmark." + row[3], "writer=idle", null);
            line("| " + row[0] + " | " + row[2] + " | " + millions(idle) + " | " + millions(busy) + " | "
                    + plain(ratio(busy, idle)) + " | " + plain(ratio(busy, single)) + " | "
                    + millions(get("ReadBenchmark." + row[1], "writer=appending", "writerRecords")) + " |");
        }
        line("");
    }

    /** One payload size of the scan benchmark, in GB/s of file bytes. */
    private record ScanRow(Score forEach, Score next, Score mapped, Score heap, Score perRecord, Score chronicle) {
    }

    private void scans() {
        if (get("ScanBenchmark.forEachVerified", "payloadSize=64", "bytes") == null) {
            return;
        }
        line("### Sequential scan with CRC32C validation vs. a bare CRC32C pass (GB/s of file bytes)");
        line("");
        line("| payload | forEach (zero-copy, CRC in the mapping) | next() (copy, then CRC) | bare CRC32C, mapped "
                + "| bare CRC32C, heap copy | forEach / bare mapped (goal ≥ 0.80) | next / bare mapped (goal ≥ 0.80) |");
        line("|---|---|---|---|---|---|---|");
        Map<String, ScanRow> rows = new TreeMap<>();
        for (String p : PAYLOADS) {
            String params = "payloadSize=" + p;
            rows.put(p, new ScanRow(gb(get("ScanBenchmark.forEachVerified", params, "bytes")),
                    gb(get("ScanBenchmark.nextVerified", params, "bytes")),
                    gb(get("ScanBenchmark.crc32cMapped", params, "bytes")),
                    gb(get("ScanBenchmark.crc32cHeap", params, "bytes")),
                    gb(get("ScanBenchmark.crc32cPerRecord", params, "bytes")),
                    gb(get("ScanBenchmark.chronicleTailer", params, "bytes"))));
        }
        for (String p : PAYLOADS) {
            ScanRow r = rows.get(p);
            line("| " + bytes(p) + " | " + plain(r.forEach()) + " | " + plain(r.next()) + " | " + plain(r.mapped())
                    + " | " + plain(r.heap()) + " | " + goal(ratio(r.forEach(), r.mapped()), 0.80) + " | "
                    + goal(ratio(r.next(), r.mapped()), 0.80) + " |");
        }
        line("");
        if (rows.get("64").perRecord() == null) {
            return;
        }
        line("Same run: one CRC32C per record over the bytes it covers (position, commit word, payload), with no "
                + "framing, leases or copies: the checksum work a validating scan cannot avoid; and the peer, a Chronicle "
                + "Queue tailer over the same payloads that copies each one out and computes its CRC32C.");
        line("");
        line("| payload | CRC32C per record | Chronicle tailer (copy + CRC32C) | per record / bare mapped "
                + "| forEach / Chronicle (goal ≥ 2) | forEach / bare per-record (goal ≥ 0.90) | next / per record |");
        line("|---|---|---|---|---|---|---|");
        for (String p : PAYLOADS) {
            ScanRow r = rows.get(p);
            line("| " + bytes(p) + " | " + plain(r.perRecord()) + " | " + plain(r.chronicle()) + " | "
                    + plain(ratio(r.perRecord(), r.mapped())) + " | " + goal(ratio(r.forEach(), r.chronicle()), 2)
                    + " | " + goal(ratio(r.forEach(), r.perRecord()), 0.90) + " | "
                    + plain(ratio(r.next(), r.perRecord())) + " |");
        }
        line("");
    }

    private void randomReads() {
        if (get("ScanBenchmark.randomRead", "payloadSize=64", null) == null) {
            return;
        }
        line("### Random reads by position (million reads/s, one thread)");
        line("");
        line("| payload | read(pos) | read(pos, handler) | read(pos), read-only open | raw limit "
                + "| read / raw | read(handler) / raw | read-only / raw |");
        line("|---|---|---|---|---|---|---|---|");
        for (String p : PAYLOADS) {
            String params = "payloadSize=" + p;
            Score read = get("ScanBenchmark.randomRead", params, null);
            Score zero = get("ScanBenchmark.randomReadZeroCopy", params, null);
            Score ro = get("ScanBenchmark.randomReadReadOnly", params, null);
            Score raw = get("ScanBenchmark.randomReadRaw", params, null);
            line("| " + bytes(p) + " | " + millions(read) + " | " + millions(zero) + " | " + millions(ro) + " | "
                    + millions(raw) + " | " + plain(ratio(read, raw)) + " | " + plain(ratio(zero, raw)) + " | "
                    + plain(ratio(ro, raw)) + " |");
        }
        line("");
    }

    private void growth() {
        Score small = get("GrowthBenchmark.appendBatch", "startSize=16MiB", null);
        Score big = get("GrowthBenchmark.appendBatch", "startSize=16GiB", null);
        if (small != null && big != null) {
            line("### Cost as the log grows: 1 Mi appends of 256 B into a log already 16 MiB or 16 GiB long "
                    + "(ms per batch, growth included)");
            line("");
            line("| from 16 MiB | from 16 GiB | 16 GiB / 16 MiB (goal ≤ 1.10) |");
            line("|---|---|---|");
            line("| " + plain(small) + " | " + plain(big) + " | " + goalAtMost(ratio(big, small), 1.10) + " |");
            line("");
        }
        Score move = get("GrowthBenchmark.growlogMove", "", null);
        Score raw = get("GrowthBenchmark.rawMove", "", null);
        if (move != null && raw != null) {
            line("### A forced move: one growth by 64 MiB of a written mapping of 1 GiB and more, no headroom "
                    + "(ms per growth)");
            line("");
            line("| growlog (the append that grows) | the same system calls on a bare mapping "
                    + "| growlog / bare (goal ≤ 1.10) |");
            line("|---|---|---|");
            line("| " + plain(move) + " | " + plain(raw) + " | " + goalAtMost(ratio(move, raw), 1.10) + " |");
            line("");
        }
    }

    private void recovery() {
        Score near = get("RecoveryBenchmark.open", "checkpoint=nearEnd", null);
        Score start = get("RecoveryBenchmark.open", "checkpoint=atStart", null);
        if (near == null || start == null) {
            return;
        }
        line("### Open after an unclean shutdown, 1 GiB log (ms per open)");
        line("");
        line("| checkpoint near the end (scans ~1 MiB) | checkpoint at the start (scans 1 GiB) | start / near end |");
        line("|---|---|---|");
        line("| " + plain(near) + " | " + plain(start) + " | " + plain(ratio(start, near)) + " |");
        line("");
    }

    private void rolling() {
        if (get("RollBenchmark.oneFile", "payloadSize=64", null) == null) {
            return;
        }
        line("### Rolling: appends with a roll every 64 MiB against one growing file (million records/s)");
        line("");
        line("| payload | one file | a roll every 64 MiB | rolling / one file (goal ≥ 0.95) |");
        line("|---|---|---|---|");
        for (String p : new String[] {"64", "1024"}) {
            String params = "payloadSize=" + p;
            Score one = get("RollBenchmark.oneFile", params, null);
            Score rolling = get("RollBenchmark.rolling", params, null);
            line("| " + bytes(p) + " | " + millions(one) + " | " + millions(rolling) + " | "
                    + goal(ratio(rolling, one), 0.95) + " |");
        }
        line("");
    }

    private void durable() {
        if (get("DurableBenchmark.threads1", "mode=groupCommit", null) == null) {
            return;
        }
        line("### Durable appends of 256 B (records/s, summed over threads)");
        line("");
        line("| appending threads N | group commit (appendDurable) | sync per append | group commit / sync per append "
                + "| records per sync, group commit (goal ≥ 0.8 N at 4 and 16) "
                + "| group commit / (N × one thread's sync per append) (goal ≥ 0.7 at 4 and 16) |");
        line("|---|---|---|---|---|---|");
        Score single = get("DurableBenchmark.threads1", "mode=syncPerAppend", null);
        for (String threads : new String[] {"1", "2", "4", "16"}) {
            Score group = get("DurableBenchmark.threads" + threads, "mode=groupCommit", null);
            if (group == null) {
                continue;
            }
            Score each = get("DurableBenchmark.threads" + threads, "mode=syncPerAppend", null);
            Score records = get("DurableBenchmark.threads" + threads, "mode=groupCommit", "records");
            Score syncs = get("DurableBenchmark.threads" + threads, "mode=groupCommit", "syncs");
            int n = Integer.parseInt(threads);
            boolean goals = n >= 4;
            Score perSync = ratio(records, syncs);
            Score scaled = ratio(group, single == null ? null : single.times(n));
            line("| " + threads + " | " + plain(group) + " | " + plain(each) + " | "
                    + (threads.equals("4") ? goal(ratio(group, each), 5) : plain(ratio(group, each))) + " | "
                    + (goals ? goal(perSync, 0.8 * n) : plain(perSync)) + " | "
                    + (goals ? goal(scaled, 0.7) : plain(scaled)) + " |");
        }
        line("");
    }

    @SuppressWarnings("unchecked")
    private void latency(String json) {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(json);
        line(String.format(Locale.ROOT, "### Append latency at %.0f records/s of %.0f B for %.0f s, growing log (µs)",
                number(doc.get("rate")), number(doc.get("payload")), number(doc.get("seconds"))));
        line("");
        line("| system | round | records | p50 | p99 | p99.9 | max | appends over 1 ms | service time p99.9 "
                + "| service time max | growths in the window |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        Map<Integer, Map<String, Map<String, Object>>> rounds = new TreeMap<>();
        for (Object item : (List<Object>) doc.get("runs")) {
            Map<String, Object> run = (Map<String, Object>) item;
            int round = (int) number(run.get("round"));
            rounds.computeIfAbsent(round, r -> new HashMap<>()).put((String) run.get("system"), run);
            long growths = (long) number(run.get("growths"));
            line("| " + run.get("system") + " | " + round + " | " + (long) number(run.get("count")) + " | "
                    + micros(run.get("p50")) + " | " + micros(run.get("p99")) + " | " + micros(run.get("p999")) + " | "
                    + micros(run.get("max")) + " | " + (long) number(run.get("over1ms")) + " | "
                    + micros(run.get("serviceP999")) + " | " + micros(run.get("serviceMax")) + " | "
                    + (growths < 0 ? "–" : Long.toString(growths)) + " |");
        }
        line("");
        List<String> verdicts = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, Map<String, Object>>> round : rounds.entrySet()) {
            Map<String, Object> g = round.getValue().get("growlog");
            Map<String, Object> cq = round.getValue().get("chronicle");
            if (g == null) {
                continue;
            }
            String p999 = cq == null ? "no Chronicle run"
                    : number(g.get("p999")) <= number(cq.get("p999")) ? "met" : "missed";
            String max = number(g.get("max")) < 1e6 ? "met" : "missed";
            String behind = number(g.get("p50")) > 1e6 ? " (growlog fell behind the pace: these are queueing times)"
                    : "";
            verdicts.add("round " + round.getKey() + ": p99.9 ≤ Chronicle's " + p999 + ", max < 1 ms " + max + behind);
        }
        line("Latency is from each record's due time, so time spent behind schedule counts; service time is"
                + " from the start of the call.");
        line("");
        line("Goals (growlog): " + String.join("; ", verdicts) + ".");
        line("");
    }

    private static Score gb(Score bytesPerSecond) {
        return bytesPerSecond == null ? null : bytesPerSecond.times(1e-9);
    }

    private static Score ratio(Score a, Score b) {
        return a == null || b == null ? null : a.ratio(b);
    }

    private static String goal(Score ratio, double goal) {
        if (ratio == null) {
            return "–";
        }
        String verdict = ratio.low() >= goal ? "met" : ratio.high() < goal ? "missed" : "within error";
        return plain(ratio) + " " + verdict;
    }

    /** As {@link #goal}, for a ratio that must stay at or below {@code goal}. */
    private static String goalAtMost(Score ratio, double goal) {
        if (ratio == null) {
            return "–";
        }
        String verdict = ratio.high() <= goal ? "met" : ratio.low() > goal ? "missed" : "within error";
        return plain(ratio) + " " + verdict;
    }

    private static String millions(Score s) {
        return s == null ? "–" : plain(s.times(1e-6));
    }

    private static String plain(Score s) {
        if (s == null) {
            return "–";
        }
        return Double.isNaN(s.error()) ? format(s.value()) : format(s.value()) + " ± " + format(s.error());
    }

    private static String format(double v) {
        double a = Math.abs(v);
        String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }

    private static String micros(Object nanos) {
        return format(number(nanos) / 1e3);
    }

    private static String bytes(String payload) {
        int n = Integer.parseInt(payload);
        return n >= 1024 ? n / 1024 + " KiB" : n + " B";
    }

    private void line(String s) {
        out.append(s).append('\n');
    }
}
