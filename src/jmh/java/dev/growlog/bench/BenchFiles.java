package dev.growlog.bench;

import dev.growlog.GrowLog;
import dev.growlog.error.CorruptLogException;
import dev.growlog.internal.format.FileHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where benchmark files live: a fresh directory under {@code $GROWLOG_BENCH_DIR}, else under
 * {@code java.io.tmpdir}. An environment variable, not a system property, because JMH forks
 * inherit the environment but not the host's properties.
 *
 * <p>NOTE: the directory must be on the disk the log is meant for. On tmpfs there is no
 * {@code fallocate} to wait for and no block allocation behind a page fault, so every append
 * number would be flattering; a warning is printed when the directory is on tmpfs.
 */
final class BenchFiles {
    private BenchFiles() {
    }

    static Path newDirectory(String prefix) {
        String configured = System.getenv("GROWLOG_BENCH_DIR");
        Path parent = Paths.get(configured != null && !configured.isEmpty() ? configured
                : System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(parent);
            Path dir = Files.createTempDirectory(parent, prefix);
            FileStore store = Files.getFileStore(dir);
            if ("tmpfs".equals(store.type())) {
                System.err.println("WARNING: " + dir + " is on tmpfs; set GROWLOG_BENCH_DIR to a directory on disk");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code path} and everything under it; missing files are fine. */
    static void deleteRecursively(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Drops a log's records, then closes it, so that closing does not write gigabytes of
     * benchmark records to disk. growlog notices the shrunk file at its final checkpoint and
     * says so: expected here, and the log still releases everything.
     */
    static void dropAndClose(GrowLog log) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(log.directory(), "*.glog")) {
            for (Path file : files) {
                dropAfter(file, FileHeader.SIZE);
            }
        }
        try {
            log.close();
        } catch (CorruptLogException expected) {
            // "file shrank while open": the truncation above
        }
    }

    /** The first data file of a log: the whole log while it has not rolled. */
    static Path firstDataFile(GrowLog log) {
        return log.directory().resolve("00000000000000000000.glog");
    }

    /**
     * Cuts a file back to its first {@code keep} bytes, dropping the dirty pages after them
     * without writing them to disk.
     */
    static void dropAfter(Path file, long keep) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(keep);
        }
    }
}
