package dev.growlog;

import dev.growlog.internal.chain.CursorState;
import dev.growlog.internal.chain.CursorStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 at random moments, again and again, on one cursor. A child JVM ({@link CursorChild})
 * commits ever higher positions and reports each one it tries and each one acknowledged; after
 * each kill the stored position must be at least the last acknowledged one and at most the
 * last one tried, and the file must read without damage. The next child continues from the
 * stored position. One cycle in five kills the child while it opens (and maybe creates) the
 * cursor.
 */
@ExtendWith(Seeded.class)
class CursorCrashLoopTest {
    private static final long LOG_ID = 0xC0FFEEL;

    @TempDir
    Path dir;

    @Test
    void killedAtRandomMomentsWhileCommitting_theCursorKeepsEveryAcknowledgedCommit(Random random) throws Exception {
        crashLoop(20, random);
    }

    @Test
    @Tag("stress")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void hundredsOfKills(Random random) throws Exception {
        crashLoop(300, random);
    }

    private void crashLoop(int cycles, Random random) throws Exception {
        CursorStore store = CursorStore.of(dir, LOG_ID);
        Path reports = Files.createDirectory(dir.resolve("reports"));
        long stored = -1; // none yet
        int acknowledged = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            boolean killWhileOpening = random.nextInt(5) == 0;
            long delayMillis = killWhileOpening ? random.nextInt(10) : random.nextInt(60);
            String what = "cycle " + cycle + " (kill " + delayMillis + " ms after "
                    + (killWhileOpening ? "'opening'" : "'open'") + ")";
            Path report = reports.resolve("cycle-" + cycle);
            Process child = ChildJvm.startProcess(List.of("-Xshare:auto"), CursorChild.class, "commit",
                    dir.toString(), Long.toString(LOG_ID), "crash", Long.toString(random.nextLong()),
                    report.toString());
            Lines out = new Lines(child);
            String trigger = killWhileOpening ? "opening" : "open ";
            assertThat(out.awaitPrefix(trigger)).as("%s: the child printed '%s'", what, trigger).isTrue();
            Thread.sleep(delayMillis); // a random moment to kill at: timing is the input here, not a wait
            child.destroyForcibly();
            assertThat(child.waitFor(1, TimeUnit.MINUTES)).as("%s: the child died", what).isTrue();
            assertThat(child.exitValue()).as("%s: killed by SIGKILL", what).isEqualTo(137);

            long lastAck = -1;
            long lastTry = -1;
            List<String> lines = new ArrayList<>(out.finish());
            lines.addAll(reportLines(report));
            for (String line : lines) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "open" -> assertThat(Long.parseLong(f[1])).as("%s: the position the child opened at", what)
                            .isEqualTo(Math.max(stored, 0));
                    case "try" -> lastTry = Long.parseLong(f[1]);
                    case "ack" -> {
                        lastAck = Long.parseLong(f[1]);
                        acknowledged++;
                    }
                    default -> { }
                }
            }
            Optional<CursorState> read = store.read("crash"); // throws if damaged
            assertThat(store.list()).as("%s: list reads too", what).hasSize(read.isPresent() ? 1 : 0);
            if (read.isEmpty()) {
                assertThat(stored).as("%s: the cursor vanished", what).isEqualTo(-1);
                assertThat(lastTry).as("%s: no commit without a cursor", what).isEqualTo(-1);
                continue;
            }
            long position = read.get().position();
            long floor = lastAck >= 0 ? lastAck : Math.max(stored, 0);
            long ceiling = lastTry >= 0 ? lastTry : Math.max(stored, 0);
            assertThat(position).as("%s: stored position, last acknowledged %d, last tried %d; the child's last lines: %s",
                            what, lastAck, lastTry, lines.subList(Math.max(0, lines.size() - 4), lines.size()))
                    .isBetween(floor, ceiling);
            stored = position;
        }
        System.out.println("cursor crash loop: " + cycles + " kills, " + acknowledged + " acknowledged commits checked");
    }

    /** The complete lines of a child's report; a line cut off by the kill (no newline) is dropped. */
    private static List<String> reportLines(Path report) throws IOException {
        if (!Files.exists(report)) {
            return List.of(); // killed before it opened the report
        }
        String text = Files.readString(report, StandardCharsets.US_ASCII);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1); // after the last newline: empty, or a cut-off line
        return lines;
    }

    /** The child's complete stdout lines. */
    private static final class Lines {
        private final LinkedBlockingQueue<String> early = new LinkedBlockingQueue<>();
        private final List<String> all = new ArrayList<>();
        private final Thread thread;

        Lines(Process child) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.US_ASCII));
            thread = new Thread(() -> {
                try (reader) {
                    StringBuilder line = new StringBuilder();
                    for (int c; (c = reader.read()) >= 0; ) {
                        if (c != '\n') {
                            line.append((char) c);
                            continue;
                        }
                        String complete = line.toString();
                        line.setLength(0);
                        synchronized (all) {
                            all.add(complete);
                        }
                        if (!complete.startsWith("try ") && !complete.startsWith("ack ")) {
                            early.add(complete);
                        }
                    }
                } catch (IOException e) {
                    early.add("read failed: " + e);
                }
                early.add("<eof>");
            }, "cursor-child-stdout");
            thread.setDaemon(true);
            thread.start();
        }

        boolean awaitPrefix(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (true) {
                String line = early.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals("<eof>")) {
                    return false;
                }
                if (line.startsWith(prefix)) {
                    return true;
                }
            }
        }

        List<String> finish() throws InterruptedException {
            thread.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(thread.isAlive()).as("child output ended").isFalse();
            synchronized (all) {
                return new ArrayList<>(all);
            }
        }
    }
}
