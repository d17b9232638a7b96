package dev.growlog;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The other process of the cross-process tests.
 *
 * <ul>
 *   <li>{@code write LOG SAMPLE}: appends every line of SAMPLE, printing each position, then
 *       "done"; with a small initial size and step, so the file grows many times.</li>
 *   <li>{@code write-and-hang LOG SAMPLE}: the same, then waits to be killed.</li>
 *   <li>{@code tail LOG COUNT}: follows LOG read-only until COUNT records arrived, then prints
 *       "count CRC" over all payloads in order.</li>
 * </ul>
 */
public final class CrossProcessChild {
    static final GrowLogConfig SMALL_STEPS = GrowLogConfig.builder().segmentSize(1 << 20).initialSize(64 * 1024)
            .maxGrowthStep(256 * 1024).pretouchAhead(0).build();

    private CrossProcessChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        switch (args[0]) {
            case "write":
            case "write-and-hang":
                try (GrowLog log = GrowLog.open(Path.of(args[1]), SMALL_STEPS)) {
                    for (String line : lines(Path.of(args[2]))) {
                        out.println(log.append(line.getBytes(StandardCharsets.UTF_8)));
                    }
                    out.println("done");
                    if (args[0].equals("write-and-hang")) {
                        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
                    }
                }
                break;
            case "tail":
                long count = Long.parseLong(args[2]);
                CRC32C crc = new CRC32C();
                try (GrowLog log = GrowLog.openReadOnly(Path.of(args[1]));
                     Tailer tailer = log.tailer(log.startPosition())) {
                    out.println("ready");
                    for (long n = 0; n < count; n++) {
                        if (!tailer.poll(30, TimeUnit.SECONDS)) {
                            out.println("starved " + n);
                            return;
                        }
                        crc.update(tailer.payload());
                    }
                }
                out.println(count + " " + Long.toHexString(crc.getValue()));
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    static List<String> lines(Path sample) throws java.io.IOException {
        return Files.readAllLines(sample, StandardCharsets.UTF_8);
    }
}
