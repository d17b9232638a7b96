package dev.growlog.bench;

import dev.growlog.Durability;
import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Bytes written to the device per sync: one thread appends 256-byte records into a fresh,
 * growing file and syncs after every {@code N} records, for growlog (default configuration,
 * small folios, and the defaults with the {@code INTERVAL} sync policy on), a bare
 * {@code FileChannel} (the records of a sync written with one {@code write}, then
 * {@code force(false)}), and a bare mapping grown as growlog's is ({@code fallocate},
 * {@code ftruncate}, {@code mremap} in place; {@code msync} of the pages since the previous
 * sync), with and without {@code MADV_RANDOM}. {@code N = 0} appends without syncing and
 * reports throughput only.
 *
 * <p>Device bytes are sectors written to the block device that holds {@code --dir}, read from
 * {@code /sys/block/DEVICE/stat} before the first append and after the last sync; the file
 * system is flushed ({@code sync -f}) before each run so that earlier work is not counted.
 * Use a file system of its own (a loop device) so that nothing else writes to that device.
 * The file is truncated before it is closed, so its dirty pages are never written afterwards.
 *
 * <p>Run from the benchmarks jar; {@code src/jmh/sync-amplification.sh} makes ext4 and XFS loop
 * devices and runs it on both:
 * {@code java -cp target/benchmarks.jar dev.growlog.bench.SyncAmplificationMain --dir DIR --device loop0}.
 * Options: {@code --every 1,16,256,0}, {@code --rounds 3}, {@code --label ext4}, {@code --writers
 * TEXT} (only writers whose name contains it, besides FileChannel and growlog's defaults, which
 * the ratios refer to). Throughput is the median over rounds; the ratios are medians of ratios
 * taken within each round.
 */
public final class SyncAmplificationMain {
    private static final int PAYLOAD = 256;
    private static final int RECORD = (int) RecordFormat.recordSize(PAYLOAD);
    private static final int HEADER = 4096;

    private SyncAmplificationMain() {
    }

    /** One writer under test. */
    private interface Writer extends AutoCloseable {
        void append(byte[] payload) throws IOException;

        void sync() throws IOException;

        /** Bytes of records appended so far. */
        long appended() throws IOException;

        @Override
        void close() throws IOException;
    }

    private interface Factory {
        Writer open(Path dir) throws IOException;
    }

    /** Device KiB per sync, device bytes over appended bytes, records/s, and process CPU time per record in ns. */
    private record Result(double kibPerSync, double ratio, double recordsPerSecond, double cpuNanosPerRecord,
                          double writesPerSync, double flushesPerSync) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        String device = null;
        String label = "";
        int rounds = 3;
        int[] every = {1, 16, 256, 0};
        String only = "";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Paths.get(args[i + 1]);
                case "--device" -> device = args[i + 1];
                case "--label" -> label = args[i + 1];
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--writers" -> only = args[i + 1];
                case "--every" -> every = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (dir == null || device == null) {
            throw new IllegalArgumentException("usage: --dir DIR --device BLOCKDEVICE [--label L] [--rounds R]"
                    + " [--every 1,16,256,0] [--writers TEXT]");
        }
        Map<String, Factory> writers = new LinkedHashMap<>();
        writers.put("FileChannel write + force", FileChannelWriter::new);
        writers.put("growlog, defaults (durability NONE)", d -> new GrowLogWriter(d, GrowLogConfig.defaults()));
        writers.put("growlog, smallFolios(true)",
                d -> new GrowLogWriter(d, GrowLogConfig.builder().smallFolios(true).build()));
        writers.put("growlog, defaults with durability INTERVAL",
                d -> new GrowLogWriter(d, GrowLogConfig.builder().durability(Durability.INTERVAL).build()));
        writers.put("bare mapping", d -> new BareMapping(d, false, false));
        writers.put("bare mapping, MADV_RANDOM", d -> new BareMapping(d, true, false));
        writers.put("bare mapping, MADV_RANDOM, blocks written beforehand", d -> new BareMapping(d, true, true));
        for (String name : List.copyOf(writers.keySet())) {
            if (!name.startsWith("FileChannel") && !name.startsWith("growlog, defaults (") && !name.contains(only)) {
                writers.remove(name); // FileChannel and growlog's defaults stay: the ratios refer to them
            }
        }

        System.out.printf(Locale.ROOT, "%s: device %s, %d rounds, %d B payloads (%d B records)%n",
                label, device, rounds, PAYLOAD, RECORD);
        System.out.println();
        System.out.println("| sync every | writer | KiB written per sync | written / appended | records/s"
                + " | records/s / FileChannel's | records/s / growlog defaults' | CPU ns per record"
                + " | device writes per sync | device flushes per sync |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int n : every) {
            Map<String, List<Result>> results = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, Factory> e : writers.entrySet()) {
                    results.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                            .add(run(e.getValue(), dir, device, n));
                }
            }
            List<Result> base = results.get("FileChannel write + force");
            List<Result> growlog = results.get("growlog, defaults (durability NONE)");
            for (Map.Entry<String, List<Result>> e : results.entrySet()) {
                List<Result> rs = e.getValue();
                double[] relative = new double[rs.size()];
                double[] toGrowlog = new double[rs.size()];
                for (int i = 0; i < rs.size(); i++) {
                    relative[i] = rs.get(i).recordsPerSecond() / base.get(i).recordsPerSecond();
                    toGrowlog[i] = rs.get(i).recordsPerSecond() / growlog.get(i).recordsPerSecond();
                }
                String every1 = n == 0 ? "never" : Integer.toString(n);
                String kib = n == 0 ? "–" : fmt(median(rs.stream().mapToDouble(Result::kibPerSync).toArray()));
                String ratio = n == 0 ? "–" : fmt(median(rs.stream().mapToDouble(Result::ratio).toArray())) + " ×";
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", every1, e.getKey(), kib,
                        ratio, String.format(Locale.ROOT, "%,.0f",
                                median(rs.stream().mapToDouble(Result::recordsPerSecond).toArray())),
                        fmt(median(relative)), fmt(median(toGrowlog)),
                        fmt(median(rs.stream().mapToDouble(Result::cpuNanosPerRecord).toArray())),
                        n == 0 ? "–" : fmt(median(rs.stream().mapToDouble(Result::writesPerSync).toArray())),
                        n == 0 ? "–" : fmt(median(rs.stream().mapToDouble(Result::flushesPerSync).toArray())));
            }
        }
    }

    /** One run: a fresh file, {@code n} records per sync, device sectors before and after. */
    private static Result run(Factory factory, Path parent, String device, int n) throws Exception {
        Path dir = Files.createTempDirectory(parent, "sync-amp");
        int syncs = n == 0 ? 0 : n == 1 ? 2_000 : n == 16 ? 2_000 : 1_000;
        long records = n == 0 ? 4_000_000 : (long) syncs * n;
        byte[] payload = new byte[PAYLOAD];
        Arrays.fill(payload, (byte) 'x');
        try (Writer w = factory.open(dir)) {
            flush(parent);
            long[] before = deviceStat(device);
            long appendedBefore = w.appended();
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            for (long i = 1; i <= records; i++) {
                w.append(payload);
                if (n > 0 && i % n == 0) {
                    w.sync();
                }
            }
            long nanos = System.nanoTime() - start;
            long cpu = processCpuNanos() - cpuStart;
            long[] after = deviceStat(device);
            long written = (after[6] - before[6]) * 512;
            long appended = w.appended() - appendedBefore;
            double perSync = syncs == 0 ? 0 : written / 1024.0 / syncs;
            double perSyncDivisor = Math.max(1, syncs);
            return new Result(perSync, (double) written / appended, records * 1e9 / nanos, (double) cpu / records,
                    (after[4] - before[4]) / perSyncDivisor, (after[15] - before[15]) / perSyncDivisor);
        } finally {
            BenchFiles.deleteRecursively(dir);
        }
    }

    /** CPU time of the whole process (every thread, user and kernel), in nanoseconds. */
    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    private static void flush(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sync", "-f", dir.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("sync -f " + dir + " failed");
        }
        Thread.sleep(200);
    }

    /**
     * The block device's stat fields: index 4 write requests, 6 sectors (512 bytes) written, 15
     * flush requests (the file's fields 5, 7 and 16).
     */
    private static long[] deviceStat(String device) throws IOException {
        String[] fields = Files.readString(Paths.get("/sys/block", device, "stat")).trim().split("\\s+");
        long[] values = new long[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = Long.parseLong(fields[i]);
        }
        return values;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static final class GrowLogWriter implements Writer {
        private final GrowLog log;

        GrowLogWriter(Path dir, GrowLogConfig config) throws IOException {
            log = GrowLog.open(dir.resolve("growlog.glog"), config);
        }

        @Override
        public void append(byte[] payload) throws IOException {
            log.append(payload);
        }

        @Override
        public void sync() throws IOException {
            log.sync();
        }

        @Override
        public long appended() throws IOException {
            return log.endPosition();
        }

        @Override
        public void close() throws IOException {
            BenchFiles.dropAndClose(log);
        }
    }

    /** The records since the previous sync written with one {@code write}, then {@code force(false)}. */
    private static final class FileChannelWriter implements Writer {
        private final FileChannel channel;
        private final Path file;
        private final ByteBuffer staging = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        private long end = HEADER;

        FileChannelWriter(Path dir) throws IOException {
            file = dir.resolve("channel.log");
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            channel.write(ByteBuffer.allocate(HEADER), 0);
            channel.force(true);
            channel.position(HEADER);
        }

        @Override
        public void append(byte[] payload) throws IOException {
            int word = RecordFormat.dataWord(payload.length);
            if (staging.remaining() < RECORD) {
                drain();
            }
            staging.putInt(word).putInt(RecordFormat.checksum(crc, end, word, payload, 0, payload.length));
            staging.put(payload);
            for (int i = RecordFormat.HEADER_SIZE + payload.length; i < RECORD; i++) {
                staging.put((byte) 0);
            }
            end += RECORD;
        }

        private void drain() throws IOException {
            staging.flip();
            while (staging.hasRemaining()) {
                channel.write(staging);
            }
            staging.clear();
        }

        @Override
        public void sync() throws IOException {
            drain();
            channel.force(false);
        }

        @Override
        public long appended() throws IOException {
            return end;
        }

        @Override
        public void close() throws IOException {
            channel.truncate(0);
            channel.close();
        }
    }

    /**
     * growlog's framing in a bare mapping grown as growlog grows its own (a 2 MiB-aligned
     * reservation, {@code fallocate} + {@code ftruncate} + {@code mremap} in place), synced with
     * one {@code msync} of the pages since the previous sync; no header, no pretoucher.
     */
    private static final class BareMapping implements Writer {
        private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
        private static final long RESERVED = 16L << 30;
        private final Syscalls sys = Syscalls.libc();
        private final Path file;
        private final int fd;
        private final long base;
        private final boolean random;
        private final CRC32C crc = new CRC32C();
        private long mapped = 1 << 20;
        private long end = HEADER;
        private long synced = HEADER;
        /** A view of the whole mapping (benchmark files stay below 2 GiB). */
        private ByteBuffer view;

        /**
         * With {@code prewritten}, the file starts 256 MiB long with every block written (zeros,
         * 4 KiB per write so that the page cache holds them as 4 KiB pages) and synced, so that no
         * sync of the run changes file-system metadata: a diagnostic of what the data pages alone
         * cost.
         */
        BareMapping(Path dir, boolean random, boolean prewritten) throws IOException {
            this.random = random;
            file = dir.resolve("bare.log");
            if (prewritten) {
                mapped = 256L << 20;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    ByteBuffer zeros = ByteBuffer.allocateDirect(4096);
                    for (long at = 0; at < mapped; at += zeros.capacity()) {
                        channel.write(zeros.clear(), at);
                    }
                    channel.force(true);
                }
            }
            fd = sys.open(file, true, !prewritten);
            sys.allocate(file, fd, 0, mapped);
            sys.truncate(file, fd, mapped);
            base = RawMappingSink.reserveAligned(sys, RESERVED);
            sys.mapFileAt(file, fd, base, mapped, true);
            if (random) {
                sys.adviseRandom(file, base, mapped);
            }
            view = sys.view(base, (int) mapped).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void append(byte[] payload) throws IOException {
            if (end + RECORD > mapped) {
                long newSize = mapped + Math.min(mapped, 256L << 20);
                sys.allocate(file, fd, mapped, newSize - mapped);
                sys.truncate(file, fd, newSize);
                sys.unmap(file, base + mapped, newSize - mapped);
                if (!sys.remapInPlace(file, base, mapped, newSize)) {
                    throw new IOException("bare mapping could not grow in place");
                }
                mapped = newSize;
                if (random) {
                    sys.adviseRandom(file, base, mapped);
                }
                view = sys.view(base, (int) Math.min(mapped, Integer.MAX_VALUE)).order(ByteOrder.LITTLE_ENDIAN);
            }
            int at = (int) end;
            int word = RecordFormat.dataWord(payload.length);
            view.put(at + RecordFormat.HEADER_SIZE, payload);
            view.putInt(at + RecordFormat.CRC_OFFSET,
                    RecordFormat.checksum(crc, end, word, payload, 0, payload.length));
            INTS.setRelease(view, at, word);
            end += RECORD;
        }

        @Override
        public void sync() throws IOException {
            long from = synced & -4096L;
            sys.msync(file, base + from, end - from);
            synced = end;
        }

        @Override
        public long appended() throws IOException {
            return end;
        }

        @Override
        public void close() throws IOException {
            sys.truncate(file, fd, 0);
            sys.unmap(file, base, RESERVED);
            sys.close(file, fd);
        }
    }
}
