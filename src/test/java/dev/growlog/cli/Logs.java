package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Builds and damages logs for the command tests. */
final class Logs {
    /** Small segments and a small first size: the log grows with little data. */
    static final GrowLogConfig SMALL = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192).build();

    private Logs() {
    }

    /** Creates a closed log holding {@code records}; returns their positions. */
    static List<Long> create(Path file, String... records) throws IOException {
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(file, SMALL)) {
            for (String record : records) {
                positions.add(log.append(record.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return positions;
    }

    /** The first data file of the log {@code log} (a directory), or {@code log} itself when it is a file. */
    static Path dataFile(Path log) {
        return java.nio.file.Files.isDirectory(log) ? log.resolve("00000000000000000000.glog") : log;
    }

    /** Copies the files of the log {@code source} (not its writer lock) into the new directory {@code target}. */
    static void copy(Path source, Path target) throws IOException {
        java.nio.file.Files.createDirectory(target);
        try (var entries = java.nio.file.Files.list(source)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (!entry.getFileName().toString().equals("lock")) {
                    java.nio.file.Files.copy(entry, target.resolve(entry.getFileName()));
                }
            }
        }
    }

    /** Flips one bit of the byte at {@code position} of a closed log's first data file. */
    static void flipBit(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(dataFile(file), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            channel.write(one, position);
        }
    }
}
