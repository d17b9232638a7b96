package dev.growlog;

import dev.growlog.error.LogLockedException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The other process in {@link CrossProcessTest}: a writer the test can talk to and kill.
 *
 * <pre>
 *   ChildWriter probe FILE    tries to open FILE for writing; prints OPENED or LOCKED, exits
 *   ChildWriter write FILE    opens FILE for writing, prints READY, then obeys stdin:
 *       append N SIZE           appends N numbered records of about SIZE bytes, numbered on
 *                               from the last; prints "ACK number position" after each, then READY
 *       close                   closes the log and exits
 * </pre>
 *
 * The test kills it with SIGKILL to simulate a crash; every acknowledged record must survive.
 */
public final class ChildWriter {
    /** Small segments and growth steps, so the child's appends grow the file often. */
    static final GrowLogConfig CONFIG = GrowLogConfig.builder()
            .segmentSize(64 * 1024).initialSize(8192).maxGrowthStep(64 * 1024).build();

    private ChildWriter() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        Path file = Path.of(args[1]);
        if (args[0].equals("probe")) {
            try (GrowLog log = GrowLog.open(file, CONFIG)) {
                out.println("OPENED " + log.endPosition());
            } catch (LogLockedException e) {
                out.println("LOCKED " + e.getMessage());
            }
            out.flush();
            return;
        }
        try (GrowLog log = GrowLog.open(file, CONFIG);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            int number = (int) log.stats().records();
            out.println("READY");
            out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                String[] command = line.trim().split(" ");
                if (command[0].equals("close")) {
                    break;
                }
                int count = Integer.parseInt(command[1]);
                int size = Integer.parseInt(command[2]);
                for (int i = 0; i < count; i++, number++) {
                    long position = log.append(Payloads.numbered(number, 8 + (number * 7919) % size));
                    out.println("ACK " + number + " " + position);
                    out.flush();
                }
                out.println("READY");
                out.flush();
            }
        }
    }
}
