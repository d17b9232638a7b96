package dev.growlog;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test, so that the disk really fills up. Mounting needs root (or
 * CAP_SYS_ADMIN): where it is not permitted the test is skipped with the reason, never passed.
 */
final class Tmpfs {
    private final Path dir;
    private boolean mounted;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code sizeMiB} MiB on {@code dir} (created if absent), or skips the test. */
    static Tmpfs mount(Path dir, int sizeMiB) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Tmpfs fs = new Tmpfs(dir);
        String output = run("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m", "tmpfs", dir.toString());
        Assumptions.assumeTrue(output == null, () -> "disk-full test skipped: cannot mount a " + sizeMiB
                + " MiB tmpfs on " + dir + " (needs root or CAP_SYS_ADMIN): " + output);
        fs.mounted = true;
        return fs;
    }

    Path dir() {
        return dir;
    }

    /** Bytes a new file may still take. */
    long usableSpace() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    /** Unmounts; lazily if something still holds the file system. Idempotent. */
    void unmount() throws IOException, InterruptedException {
        if (!mounted) {
            return;
        }
        String failure = run("umount", dir.toString());
        if (failure != null) {
            String lazy = run("umount", "-l", dir.toString());
            if (lazy != null) {
                throw new IOException("cannot unmount the tmpfs on " + dir + ": " + failure + "; " + lazy);
            }
        }
        mounted = false;
    }

    /** Runs a command; returns null when it succeeded, else its exit status and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.toString();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
    }
}
