package dev.growlog;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 at random moments, again and again, on the same log. A child JVM
 * ({@link CrashLoopChild}) appends real log lines and reports each acknowledged position; the
 * parent kills it with SIGKILL at a random moment, reopens the log and checks that every
 * acknowledged record is at its position with its bytes, that a full scan returns exactly the
 * sample lines in order and nothing else, and that durable acknowledgements are covered by the
 * header checkpoint. The next child reopens the same log and continues it.
 *
 * <p>After kill -9 the page cache is intact, so even records that were only appended, not
 * durable, must survive; and since a record's commit word is written last in one store, no
 * record can be torn: recovery must find nothing to cut. Every other cycle the parent opens the
 * log read-only, so that the next child does the recovery itself; one cycle in six the child is
 * killed while it opens (and recovers) the log.
 */
@ExtendWith(Seeded.class)
class CrashLoopTest {
    static final int DURABLE_EVERY = 10;
    /** Cycles on one log before the stress run starts a new one, to keep each check short. */
    static final int CYCLES_PER_LOG = 50;

    @TempDir
    Path dir;

    private final List<byte[]> lines = Samples.apache();

    @Test
    void killedAtRandomMomentsWhileAppending_everyAcknowledgedRecordSurvives_andNothingElseAppears(Random random)
            throws Exception {
        crashLoop(25, random);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // the default of 5 minutes bounds the short runs
    void hundredsOfKills(Random random) throws Exception {
        crashLoop(400, random);
    }

    /** What the parent knows of one log: the acknowledged position of record k, or -1. */
    private static final class Acks {
        long[] positions = new long[1024];
        int count;
        /** End of the last record acknowledged as durable. */
        long durableEnd;

        void add(int k, long position) {
            if (k >= positions.length) {
                int from = positions.length;
                positions = Arrays.copyOf(positions, Math.max(k + 1, 2 * positions.length));
                Arrays.fill(positions, from, positions.length, -1);
            }
            positions[k] = position;
            count = Math.max(count, k + 1);
        }

        long position(int k) {
            return k < count ? positions[k] : -1;
        }
    }

    private void crashLoop(int cycles, Random random) throws Exception {
        Path file = null;
        Acks acks = null;
        long found = 0;
        int kills = 0;
        int acknowledged = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            if (cycle % CYCLES_PER_LOG == 0) {
                file = dir.resolve("crash-" + cycle / CYCLES_PER_LOG + ".glog");
                acks = new Acks();
                Arrays.fill(acks.positions, -1);
                found = 0;
            }
            boolean killWhileOpening = random.nextInt(6) == 0;
            long delayMillis = killWhileOpening ? random.nextInt(20) : 50 + random.nextInt(351);
            String what = "cycle " + cycle + " (kill " + delayMillis + " ms after "
                    + (killWhileOpening ? "opening" : "open") + ")";

            Process child = ChildJvm.startProcess(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"),
                    CrashLoopChild.class, file.toString(), Long.toString(random.nextLong()),
                    Integer.toString(DURABLE_EVERY));
            Lines out = new Lines(child.getInputStream());
            String trigger = killWhileOpening ? "opening" : "open ";
            String seen = out.awaitPrefix(trigger, TimeUnit.MINUTES.toNanos(2));
            assertThat(seen).as("%s: the child printed '%s' (exit %s)", what, trigger,
                    child.isAlive() ? "none" : child.exitValue()).isNotNull();
            Thread.sleep(delayMillis); // a random moment to kill at: timing is the input here, not a wait
            child.destroyForcibly();
            assertThat(child.waitFor(1, TimeUnit.MINUTES)).as("%s: the child died", what).isTrue();
            assertThat(child.exitValue()).as("%s: the child was killed by SIGKILL, not ended otherwise", what)
                    .isEqualTo(137);
            kills++;

            int first = -1;
            for (String line : out.finish()) {
                String[] f = line.split(" ");
                if (f[0].equals("open")) {
                    assertThat(Long.parseLong(f[1])).as("%s: records the child found on open", what).isEqualTo(found);
                } else if (f[0].equals("a")) {
                    int k = Integer.parseInt(f[1]);
                    long position = Long.parseLong(f[2]);
                    first = first < 0 ? k : first;
                    acks.add(k, position);
                    acknowledged++;
                    if (f[3].equals("d")) {
                        int length = lines.get(k % lines.size()).length;
                        acks.durableEnd = Math.max(acks.durableEnd, position + LogFiles.recordSize(length));
                    }
                }
            }
            if (first >= 0) {
                assertThat(first).as("%s: the child continued right after the records found", what)
                        .isEqualTo(found);
            }
            found = check(file, acks, cycle % 2 == 1, what);
        }
        System.out.println("crash loop: " + kills + " kills, " + acknowledged + " acknowledged records checked");
    }

    /** Reopens the log after a kill and checks it; returns the number of records in it. */
    private long check(Path file, Acks acks, boolean readOnly, String what) throws IOException {
        try (GrowLog log = readOnly ? GrowLog.openReadOnly(file) : GrowLog.open(file, CrashLoopChild.CONFIG)) {
            RecoveryReport report = log.recoveryReport();
            String context = what + ", " + (readOnly ? "read-only" : "recovered") + ": " + report.summary();
            assertThat(report.tailCut()).as("%s: no torn record after kill -9", context).isFalse();
            if (!readOnly) {
                // A record the kill caught between payload and commit word left bytes after the end.
                long end = log.endPosition();
                long size = LogFiles.size(file);
                assertThat(end >= size || LogFiles.allZero(file, end, size))
                        .as("%s: everything after the recovered end [%d, %d) is zero", context, end, size).isTrue();
            }
            if (report.scannedFrom() == report.checkpoint()) { // else the kill tore the checkpoint block itself
                assertThat(report.checkpoint()).as("%s: checkpoint covers every durable acknowledgement", context)
                        .isGreaterThanOrEqualTo(acks.durableEnd);
            }
            for (int k = 0; k < acks.count; k++) {
                long position = acks.position(k);
                if (position >= 0) {
                    byte[] read = log.read(position);
                    if (!Arrays.equals(read, lines.get(k % lines.size()))) {
                        throw new AssertionError(context + ": acknowledged record " + k + " at " + position
                                + " does not hold its line");
                    }
                }
            }
            int k = 0;
            long last = -1;
            try (LogReader reader = log.reader(log.startPosition())) {
                while (reader.next()) {
                    long position = reader.position();
                    if (position <= last) {
                        throw new AssertionError(context + ": record " + k + " at " + position + " after " + last);
                    }
                    last = position;
                    long acknowledged = acks.position(k);
                    if (acknowledged >= 0 && acknowledged != position) {
                        throw new AssertionError(context + ": record " + k + " at " + position
                                + " but acknowledged at " + acknowledged);
                    }
                    if (!Arrays.equals(reader.bytes(), lines.get(k % lines.size()))) {
                        throw new AssertionError(context + ": record " + k + " at " + position
                                + " is not sample line " + k % lines.size());
                    }
                    k++;
                }
            }
            assertThat(k).as("%s: records found, at least every acknowledged one", context)
                    .isGreaterThanOrEqualTo(acks.count);
            assertThat(log.stats().records()).as("%s: records counted", context).isEqualTo(k);
            return k;
        }
    }

    /**
     * The child's stdout, split into complete lines by a reader thread: a line cut off by the
     * kill (no newline yet) was never acknowledged and is dropped.
     */
    static final class Lines {
        private final LinkedBlockingQueue<String> early = new LinkedBlockingQueue<>();
        private final List<String> all = new ArrayList<>();
        private final Thread thread;

        Lines(InputStream in) {
            thread = new Thread(() -> {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        for (int i = 0; i < n; i++) {
                            if (buffer[i] == '\n') {
                                String complete = line.toString(StandardCharsets.US_ASCII);
                                line.reset();
                                synchronized (all) {
                                    all.add(complete);
                                }
                                if (!complete.startsWith("a ")) {
                                    early.add(complete);
                                }
                            } else {
                                line.write(buffer[i]);
                            }
                        }
                    }
                } catch (IOException e) {
                    early.add("read failed: " + e);
                }
                early.add("<eof>");
            }, "crash-child-stdout");
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits for a line starting with {@code prefix}; null if the output ended first. */
        String awaitPrefix(String prefix, long timeoutNanos) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            while (true) {
                String line = early.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals("<eof>")) {
                    return null;
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        /** Every complete line, once the child is gone and its output ended. */
        List<String> finish() throws InterruptedException {
            thread.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(thread.isAlive()).as("child output ended").isFalse();
            synchronized (all) {
                return new ArrayList<>(all);
            }
        }
    }
}
