package dev.growlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Damages log files the way crashes and bad disks do, through plain file I/O. */
public final class Corruption {
    private Corruption() {
    }

    /** Writes a record at {@code position} whose commit word is set but whose checksum is wrong. */
    static void writeTornRecord(Path file, long position, int length) throws IOException {
        ByteBuffer record = ByteBuffer.allocate(8 + length).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(0x4000_0000 | length).putInt(0x12345678);
        for (int i = 0; i < length; i++) {
            record.put((byte) 'x');
        }
        record.flip();
        try (FileChannel channel = FileChannel.open(LogFiles.first(file), StandardOpenOption.WRITE)) {
            channel.write(record, position);
        }
    }

    /** Flips one bit of the byte at {@code position}. */
    public static void flipBit(Path file, long position, int bit) throws IOException {
        try (FileChannel channel = FileChannel.open(LogFiles.first(file), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ (1 << bit)));
            channel.write(one.clear(), position);
        }
    }
}
