package dev.growlog;

import dev.growlog.error.CursorLockedException;
import dev.growlog.internal.chain.CursorFile;
import dev.growlog.internal.chain.CursorStore;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * A cursor owner in another JVM, for {@link CursorCrossProcessTest} and
 * {@link CursorCrashLoopTest}. Arguments: {@code MODE DIR LOG_ID NAME [SEED]}.
 *
 * <p>{@code own}: opens the cursor at 0 and prints {@code owned POSITION} (or
 * {@code locked MESSAGE}), then obeys lines on stdin: {@code commit P} (prints
 * {@code committed P}), {@code close} (prints {@code closed}), {@code exit}.
 *
 * <p>{@code commit} (arguments {@code SEED REPORT} follow): prints {@code opening}, opens the
 * cursor at 0, prints {@code open POSITION}, then commits ever higher positions until killed,
 * writing {@code try P} to the REPORT file before each commit and {@code ack P} once it
 * returned, one {@code write} per line. A file, not stdout: what reached the page cache before
 * the kill is all there afterwards, while the parent's reading of a killed child's pipe lost
 * its last lines.
 */
public final class CursorChild {
    private CursorChild() {
    }

    public static void main(String[] args) throws Exception {
        CursorStore store = CursorStore.of(Path.of(args[1]), Long.parseLong(args[2]));
        String name = args[3];
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 12),
                false, StandardCharsets.US_ASCII);
        if (args[0].equals("own")) {
            own(store, name, out);
        } else {
            try (FileOutputStream report = new FileOutputStream(args[5])) {
                commit(store, name, new Random(Long.parseLong(args[4])), out, report);
            }
        }
    }

    private static void own(CursorStore store, String name, PrintStream out) throws Exception {
        CursorFile cursor;
        try {
            cursor = store.open(name, 0);
        } catch (CursorLockedException e) {
            out.println("locked " + e.getMessage());
            out.flush();
            return;
        }
        out.println("owned " + cursor.position());
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.split(" ");
            if (f[0].equals("commit")) {
                cursor.commit(Long.parseLong(f[1]));
                out.println("committed " + f[1]);
            } else if (f[0].equals("close")) {
                cursor.close();
                out.println("closed");
            } else if (f[0].equals("exit")) {
                return;
            }
            out.flush();
        }
    }

    private static void commit(CursorStore store, String name, Random random, PrintStream out,
                               FileOutputStream report) throws Exception {
        out.println("opening");
        out.flush();
        try (CursorFile cursor = store.open(name, 0)) {
            long position = cursor.position();
            out.println("open " + position);
            out.flush();
            while (true) {
                position += 8L * (1 + random.nextInt(1000));
                report.write(("try " + position + "\n").getBytes(StandardCharsets.US_ASCII));
                cursor.commit(position);
                report.write(("ack " + position + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
    }
}
