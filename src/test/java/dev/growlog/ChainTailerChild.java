package dev.growlog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The other process of {@link CrossProcessChainTest}. Argument: {@code LOG}.
 *
 * <p>Opens LOG read-only and follows it with a tailer from its start, checking each record's
 * numbered payload ({@link Payloads#numbered}), until an empty record marks the end. Then waits
 * for a line on stdin (the writer truncates meanwhile), asks the log for its start (which reads
 * the start file and lets go of the files below it) and reports what of the log directory its
 * own mappings and descriptors still hold. Prints, each line flushed:
 * <pre>
 *   ready                        the tailer is open
 *   r POSITION NUMBER            a record, and the number its payload carries
 *   end                          the empty record came
 *   map LINE                     a line of /proc/self/maps that names the log directory
 *   fd TARGET                    the target of a /proc/self/fd link into the log directory
 *   done
 * </pre>
 */
public final class ChainTailerChild {
    private ChainTailerChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (GrowLog log = GrowLog.openReadOnly(dir); Tailer tailer = log.tailer(log.startPosition())) {
            out.println("ready");
            while (true) {
                if (!tailer.poll(60, TimeUnit.SECONDS)) {
                    out.println("starved at " + tailer.nextPosition());
                    System.exit(2);
                }
                byte[] payload = tailer.bytes();
                if (payload.length == 0) {
                    break;
                }
                out.println("r " + tailer.position() + " " + Payloads.numberOf(payload));
            }
            out.println("end");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            log.startPosition();
            for (String line : held(dir)) {
                out.println(line);
            }
        }
        out.println("done");
    }

    /** Lines of this process's maps and targets of its descriptors that name a file in {@code dir}. */
    static List<String> held(Path dir) throws IOException {
        String prefix = dir + "/";
        List<String> held = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains(prefix)) {
                held.add("map " + line);
            }
        }
        try (Stream<Path> links = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    String target = Files.readSymbolicLink(link).toString();
                    if (target.contains(prefix)) {
                        held.add("fd " + target);
                    }
                } catch (IOException gone) {
                    // closed while listed (the listing's own descriptor)
                }
            }
        }
        return held;
    }
}
