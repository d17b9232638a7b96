package dev.growlog;

import dev.growlog.error.RecordsDroppedException;
import dev.growlog.internal.chain.DataFiles;
import dev.growlog.internal.chain.StartFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * kill -9 at random moments of a writer that rolls and truncates. A child JVM
 * ({@link ChainCrashChild}) appends to a log of 128 KiB files, so that it rolls every few
 * bursts, and truncates often, announcing each new start before and after; the parent kills it
 * with SIGKILL at a random moment, so kills land inside rolls (a next file being prepared or
 * renamed) and inside truncations (the start file being replaced, files being deleted). After
 * each kill the parent reopens the log, for writing or read-only every other time, so that the
 * next child recovers it itself, and checks:
 * <ul>
 *   <li>the start never goes backwards, covers every truncation that returned and is one that
 *       was asked for;</li>
 *   <li>every acknowledged record at or after the start is intact at its position, and reading
 *       one before it throws {@link RecordsDroppedException} naming it and the start;</li>
 *   <li>a scan from the start returns consecutive records, all at or after it;</li>
 *   <li>the data files are contiguous, none wholly below the start after a recovery but the
 *       last, and no temporary file survives a recovery.</li>
 * </ul>
 */
@ExtendWith(Seeded.class)
class ChainCrashLoopTest {
    static final long SPAN = ChainCrashChild.SPAN;
    /** Cycles on one log before the stress run starts a new one. */
    static final int CYCLES_PER_LOG = 50;
    /** Dropped records read back per check, the latest ones. */
    static final int DROPPED_CHECKED = 100;

    @TempDir
    Path dir;

    @Test
    void killedAtRandomMomentsWhileRollingAndTruncating_keepsEveryRecordAfterTheStart_andNothingBefore(Random random)
            throws Exception {
        crashLoop(24, random);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void hundredsOfKillsWhileRollingAndTruncating(Random random) throws Exception {
        crashLoop(400, random);
    }

    /** What the parent knows of one log. */
    private static final class Known {
        /** Acknowledged records: position to number; positions grow with numbers. */
        final TreeMap<Long, Integer> acked = new TreeMap<>();
        int maxAcked = -1;
        /** The start the last check found. */
        long start = LogFiles.HEADER_SIZE;
        /** The highest start a returned truncation made durable. */
        long confirmed = LogFiles.HEADER_SIZE;
        /** The number the next child goes on from. */
        int next;
        /** For failure messages: the cycle each truncation target was asked in, each position acknowledged in. */
        final Map<Long, String> askedIn = new java.util.HashMap<>();
        final Map<Long, String> ackedIn = new java.util.HashMap<>();
    }

    private void crashLoop(int cycles, Random random) throws Exception {
        Path log = null;
        Known known = null;
        int kills = 0;
        int killsInTruncation = 0;
        int killsWithATempFile = 0;
        int truncations = 0;
        long acknowledged = 0;
        long rolls = 0;
        int unseen = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            if (cycle % CYCLES_PER_LOG == 0) {
                log = dir.resolve("crash-" + cycle / CYCLES_PER_LOG);
                known = new Known();
            }
            boolean killWhileOpening = random.nextInt(6) == 0;
            long delayMillis = killWhileOpening ? random.nextInt(20) : 20 + random.nextInt(250);
            String what = "cycle " + cycle + " (kill " + delayMillis + " ms after "
                    + (killWhileOpening ? "opening" : "open") + ")";
            long endBefore = known.acked.isEmpty() ? 0 : known.acked.lastKey();

            Process child = ChildJvm.startProcess(List.of("-Xshare:auto"), ChainCrashChild.class, log.toString(),
                    Long.toString(random.nextLong()), Integer.toString(known.next));
            CrashLoopTest.Lines out = new CrashLoopTest.Lines(child.getInputStream());
            String trigger = killWhileOpening ? "opening" : "open ";
            assertThat(out.awaitPrefix(trigger, TimeUnit.MINUTES.toNanos(2)))
                    .as("%s: the child printed '%s' (exit %s)", what, trigger,
                            child.isAlive() ? "none" : child.exitValue()).isNotNull();
            Thread.sleep(delayMillis); // a random moment to kill at: timing is the input here, not a wait
            child.destroyForcibly();
            assertThat(child.waitFor(1, TimeUnit.MINUTES)).as("%s: the child died", what).isTrue();
            assertThat(child.exitValue()).as("%s: the child was killed by SIGKILL", what).isEqualTo(137);
            kills++;

            Set<Long> asked = new HashSet<>();
            long pending = -1;
            List<String> lines = out.finish();
            what += "; the child's last lines " + lines.subList(Math.max(0, lines.size() - 12), lines.size())
                    + "; files before the check " + describe(log);
            for (String line : lines) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "open" -> {
                        assertThat(Long.parseLong(f[1])).as("%s: the start the child opened", what)
                                .isEqualTo(known.start);
                        assertThat(Integer.parseInt(f[3])).as("%s: temporary files after the child's open", what)
                                .isZero();
                    }
                    case "a" -> {
                        int k = Integer.parseInt(f[1]);
                        known.acked.put(Long.parseLong(f[2]), k);
                        known.ackedIn.merge(Long.parseLong(f[2]), cycle + "#" + k, (a, b) -> a + "," + b);
                        known.maxAcked = Math.max(known.maxAcked, k);
                        acknowledged++;
                    }
                    case "t" -> {
                        pending = Long.parseLong(f[1]);
                        asked.add(pending);
                        known.askedIn.merge(pending, Integer.toString(cycle), (a, b) -> a + "," + b);
                    }
                    case "T" -> {
                        known.confirmed = Math.max(known.confirmed, Long.parseLong(f[1]));
                        pending = -1;
                        truncations++;
                    }
                    default -> {
                        // "opening"
                    }
                }
            }
            Path sideFile = log.resolveSibling(log.getFileName() + ".asked");
            for (String line : Files.exists(sideFile) ? Files.readAllLines(sideFile) : List.<String>of()) {
                long target = Long.parseLong(line.split(" ")[1]);
                if (!known.askedIn.containsKey(target) && !asked.contains(target)) {
                    unseen++; // asked for, but the line never came through the pipe
                    asked.add(target);
                }
            }
            Files.deleteIfExists(sideFile);
            killsInTruncation += pending >= 0 ? 1 : 0;
            killsWithATempFile += Files.isDirectory(log) && !DataFiles.temporary(log).isEmpty() ? 1 : 0; // none before the first open made it
            long endAfter = known.acked.isEmpty() ? 0 : known.acked.lastKey();
            rolls += endAfter / SPAN - endBefore / SPAN;
            check(log, known, asked, cycle % 2 == 1, what);
        }
        assertThat(killsInTruncation + killsWithATempFile).as("kills inside a truncation or a roll").isPositive();
        System.out.println("chain crash loop: " + kills + " kills (" + killsInTruncation + " inside a truncation, "
                + killsWithATempFile + " with a next file prepared or in the making), " + rolls + " rolls, "
                + truncations + " truncations, " + acknowledged + " acknowledged records; " + unseen
                + " truncation targets known only from the side file");
    }

    /** The names in a log's directory and the start its start file records, for failure messages. */
    private static String describe(Path log) throws IOException {
        if (!Files.isDirectory(log)) {
            return "(no directory)";
        }
        try (var names = Files.list(log)) {
            List<String> listed = names.map(p -> p.getFileName().toString()).sorted().toList();
            Path start = log.resolve(StartFile.NAME);
            return listed + (Files.exists(start) ? ", start file " + dev.growlog.internal.chain.StateFile.read(start,
                    dev.growlog.internal.nativeio.Syscalls.libc()).payloadBuffer().getLong(0) : "");
        }
    }

    /** Reopens the log after a kill and checks it against what the children acknowledged. */
    private static void check(Path path, Known known, Set<Long> asked, boolean readOnly, String what)
            throws IOException {
        try (GrowLog log = readOnly ? GrowLog.openReadOnly(path) : GrowLog.open(path, ChainCrashChild.CONFIG)) {
            String context = what + ", " + (readOnly ? "read-only" : "recovered");
            long start = log.startPosition();
            assertThat(start).as("%s: the start never goes backwards", context).isGreaterThanOrEqualTo(known.start);
            assertThat(start).as("%s: the start covers every truncation that returned", context)
                    .isGreaterThanOrEqualTo(known.confirmed);
            if (start != known.start) {
                assertThat(asked).as("%s: the start is one a truncation asked for (asked in cycle %s, acked %s)",
                        context, known.askedIn.get(start), known.ackedIn.get(start)).contains(start);
            }
            known.start = start;

            List<Long> files = DataFiles.list(path).keySet().stream().map(base -> base / SPAN).toList();
            for (int i = 1; i < files.size(); i++) {
                assertThat(files.get(i)).as("%s: data files are contiguous: %s", context, files)
                        .isEqualTo(files.get(i - 1) + 1);
            }
            if (!readOnly) {
                assertThat(DataFiles.temporary(path)).as("%s: temporary files after recovery", context).isEmpty();
                assertThat(files.get(0)).as("%s: first data file, with the start at %d", context, start)
                        .isEqualTo(Math.min(start / SPAN, files.get(files.size() - 1)));
                assertThat(log.recoveryReport().tailCut()).as("%s: no torn record after kill -9", context).isFalse();
            }

            for (Map.Entry<Long, Integer> e : known.acked.tailMap(start, true).entrySet()) {
                byte[] read = log.read(e.getKey());
                if (Payloads.numberOf(read) != e.getValue()) {
                    throw new AssertionError(context + ": acknowledged record " + e.getValue() + " at " + e.getKey()
                            + " holds record " + Payloads.numberOf(read));
                }
            }
            int n = 0;
            for (long dropped : known.acked.headMap(start, false).descendingKeySet()) {
                if (n++ == DROPPED_CHECKED) {
                    break;
                }
                Throwable thrown = catchThrowable(() -> log.read(dropped));
                assertThat(thrown).as("%s: reading dropped %d", context, dropped)
                        .isInstanceOf(RecordsDroppedException.class);
                assertThat(((RecordsDroppedException) thrown).position()).isEqualTo(dropped);
                assertThat(((RecordsDroppedException) thrown).startPosition()).isEqualTo(start);
            }

            List<Integer> numbers = new ArrayList<>();
            try (LogReader reader = log.reader(start)) {
                while (reader.next()) {
                    assertThat(reader.position()).as("%s: a record at or after the start", context)
                            .isGreaterThanOrEqualTo(start);
                    int k = Payloads.numberOf(reader.bytes());
                    Integer acked = known.acked.get(reader.position());
                    if (acked != null && acked != k) {
                        throw new AssertionError(context + ": record " + k + " at " + reader.position()
                                + " but record " + acked + " was acknowledged there");
                    }
                    if (!numbers.isEmpty() && k != numbers.get(numbers.size() - 1) + 1) {
                        throw new AssertionError(context + ": record " + k + " at " + reader.position()
                                + " after record " + numbers.get(numbers.size() - 1));
                    }
                    numbers.add(k);
                }
            }
            long ackedAfterStart = known.acked.tailMap(start, true).size();
            assertThat((long) numbers.size()).as("%s: records after the start, at least every acknowledged one",
                    context).isGreaterThanOrEqualTo(ackedAfterStart);
            int last = numbers.isEmpty() ? -1 : numbers.get(numbers.size() - 1);
            known.next = Math.max(last, known.maxAcked) + 1;
        }
    }
}
