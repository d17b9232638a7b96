package dev.growlog;

import dev.growlog.internal.chain.DataFiles;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * The process {@link ChainCrashLoopTest} kills. Arguments: {@code LOG SEED NEXT}.
 *
 * <p>Opens (and so recovers) LOG, a log of small files, then appends numbered payloads
 * ({@link Payloads#numbered}) from number NEXT on, in bursts, rolling to a new file every few
 * bursts; after one burst in three it truncates, before one of its recent records or at the
 * end, until it is killed. Prints, each line flushed on its own:
 * <pre>
 *   opening                      before GrowLog.open
 *   open START END TEMPS         after it: the start, the end, temporary files left in LOG
 *   a K POSITION                 after append of record K returned
 *   t POSITION                   before truncateBefore(POSITION)
 *   T POSITION                   after it returned: the start is durably POSITION
 * </pre>
 * Each "t" line is also appended, unbuffered, to {@code LOG.asked} beside the log, where the
 * page cache keeps it whatever becomes of the output pipe at the kill.
 */
public final class ChainCrashChild {
    static final long SPAN = 128 * 1024;
    static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(64 * 1024).build();
    /** How many of its latest records the child may truncate before. */
    static final int RECENT = 300;

    private ChainCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        int k = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.US_ASCII);
        out.println("opening");
        out.flush();
        try (GrowLog log = GrowLog.open(dir, CONFIG);
             FileOutputStream asked = new FileOutputStream(dir.resolveSibling(dir.getFileName() + ".asked").toFile(),
                     true)) {
            out.println("open " + log.startPosition() + " " + log.endPosition() + " "
                    + DataFiles.temporary(dir).size());
            out.flush();
            Deque<Long> recent = new ArrayDeque<>();
            while (true) {
                for (int burst = 1 + random.nextInt(20); burst > 0; burst--, k++) {
                    long position = log.append(Payloads.numbered(k, 8 + random.nextInt(3000)));
                    out.println("a " + k + " " + position);
                    out.flush();
                    recent.addLast(position);
                    if (recent.size() > RECENT) {
                        recent.removeFirst();
                    }
                }
                if (random.nextInt(3) == 0) {
                    long target = random.nextInt(5) == 0 ? log.endPosition() : pick(recent, random);
                    out.println("t " + target);
                    out.flush();
                    asked.write(("t " + target + "\n").getBytes(StandardCharsets.US_ASCII)); // survives the kill

                    log.truncateBefore(target);
                    out.println("T " + target);
                    out.flush();
                    recent.removeIf(p -> p < target);
                }
            }
        }
    }

    private static long pick(Deque<Long> recent, Random random) {
        List<Long> list = new ArrayList<>(recent);
        return list.get(random.nextInt(list.size()));
    }
}
