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

    /** Flips one bit of the byte at {@code position} of a closed file. */
    static void flipBit(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            channel.write(one, position);
        }
    }
}
