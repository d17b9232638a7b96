package dev.growlog;

import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The bytes every file under a log's directory takes on disk, for tests that check a disk
 * budget while a writer works.
 *
 * <p>The files are looked at one after the other, not at one moment: a look during which a file
 * was deleted could count the deleted file's blocks together with blocks allocated after it
 * went, more than the log ever held. Such a look gives nothing and is taken again; without
 * deletions blocks only grow, so a kept look is at most what the log held when it ended.
 */
public final class DiskUsage {
    private DiskUsage() {
    }

    /** The bytes on disk, or empty when a file went during the look. */
    public static OptionalLong look(Path log) {
        List<Path> counted = new ArrayList<>();
        long total = 0;
        try (Stream<Path> files = Files.walk(log)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    total += Syscalls.libc().allocatedBytes(file);
                    counted.add(file);
                }
            }
        } catch (IOException | UncheckedIOException deletedWhileWalking) {
            return OptionalLong.empty();
        }
        return counted.stream().allMatch(Files::exists) ? OptionalLong.of(total) : OptionalLong.empty();
    }

    /** The bytes on disk, looking again until no file goes during the look. */
    public static long now(Path log) {
        while (true) {
            OptionalLong bytes = look(log);
            if (bytes.isPresent()) {
                return bytes.getAsLong();
            }
        }
    }
}
