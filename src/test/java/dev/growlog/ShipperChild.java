package dev.growlog;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A shipper for {@link ShipperCrashLoopTest}: opens the log read-only, follows it from its
 * durable cursor and "ships" each record by appending its position to a sink file (one write per
 * record, so a kill loses nothing shipped), committing the cursor every {@code commitEvery}
 * records. Writes {@code start P} to the sink when it starts. With {@code drain} it commits and
 * exits once it has caught up; otherwise it runs until killed.
 *
 * <p>Arguments: log, sink file, commitEvery, {@code drain} or {@code follow}.
 */
public final class ShipperChild {
    private ShipperChild() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        int commitEvery = Integer.parseInt(args[2]);
        boolean drain = args[3].equals("drain");
        try (GrowLog log = GrowLog.openReadOnly(path); Cursor cursor = log.cursor("shipper");
             Tailer tailer = cursor.tailer(); FileOutputStream sink = new FileOutputStream(args[1], true)) {
            sink.write(("start " + cursor.position() + "\n").getBytes(StandardCharsets.US_ASCII));
            System.out.println("started");
            System.out.flush();
            long shipped = 0;
            while (true) {
                if (!tailer.poll(50, TimeUnit.MILLISECONDS)) {
                    if (drain) {
                        cursor.commit(tailer.nextPosition());
                        return;
                    }
                    continue;
                }
                sink.write((tailer.position() + "\n").getBytes(StandardCharsets.US_ASCII));
                if (++shipped % commitEvery == 0) {
                    cursor.commit(tailer.nextPosition());
                }
            }
        }
    }
}
