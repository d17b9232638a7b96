package dev.growlog;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The process {@link CrashLoopTest} kills. Arguments: {@code LOG SEED DURABLE_EVERY}.
 *
 * <p>Opens (and so recovers) LOG, then appends the Apache sample lines in order, record k being
 * line {@code k % 10000}, continuing after the records already in the log, until it is killed.
 * Every DURABLE_EVERY-th record is appended with {@code appendDurable}. Prints, each line flushed
 * on its own:
 * <pre>
 *   opening                      before GrowLog.open
 *   open RECORDS END             after it: records in the log, end position
 *   a K POSITION d|n             after append of record K returned: its position, durable or not
 * </pre>
 * It appends in bursts of 1..20 records with a millisecond's pause between them, so a cycle
 * of a few hundred milliseconds writes thousands of records, not millions.
 */
public final class CrashLoopChild {
    static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(256 * 1024).initialSize(64 * 1024)
            .maxGrowthStep(256 * 1024).build();

    private CrashLoopChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        int durableEvery = Integer.parseInt(args[2]);
        List<byte[]> lines = Samples.apache();
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.US_ASCII);
        out.println("opening");
        out.flush();
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            long k = log.stats().records();
            out.println("open " + k + " " + log.endPosition());
            out.flush();
            while (true) {
                for (int burst = 1 + random.nextInt(20); burst > 0; burst--, k++) {
                    byte[] line = lines.get((int) (k % lines.size()));
                    boolean durable = k % durableEvery == 0;
                    long position = durable ? log.appendDurable(line) : log.append(line);
                    out.println("a " + k + " " + position + (durable ? " d" : " n"));
                    out.flush();
                }
                Thread.sleep(1);
            }
        }
    }
}
