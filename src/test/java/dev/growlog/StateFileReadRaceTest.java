package dev.growlog;

import dev.growlog.error.NativeCallException;
import dev.growlog.internal.chain.StateFile;
import dev.growlog.internal.nativeio.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader overtaken by two writes within one read: the kernel does not make a read atomic
 * against a write, so the reader can find the older slot whole and the newer one half-copied.
 * Reading both slots once would then return a state older than the one before the read began.
 */
class StateFileReadRaceTest {
    @TempDir
    Path dir;

    private static byte[] bytes(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aReadOvertakenByTwoWrites_neitherGoesBackNorReportsDamage() throws IOException {
        Path file = dir.resolve("state");
        assertThat(StateFile.create(file, bytes(1), Syscalls.libc())).isTrue(); // sequence 1 in slot 1
        try (StateFile writer = StateFile.openExclusive(file, Syscalls.libc())) {
            writer.write(bytes(2)); // 2 in slot 0
            writer.write(bytes(3)); // 3 in slot 1: the latest when the read begins
            ForwardingSyscalls racing = new ForwardingSyscalls() {
                private boolean raced;

                @Override
                public int pread(Path f, int fd, ByteBuffer buffer, long offset) 
                        throws NativeCallException {
                    if (raced) {
                        return super.pread(f, fd, buffer, offset);
                    }
                    raced = true;
                    int start = buffer.position();
                    ByteBuffer slot0 = buffer.duplicate().limit(start + StateFile.SLOT_SIZE);
                    super.pread(f, fd, slot0, offset); // slot 0 holds 2
                    try {
                        writer.write(bytes(4)); // into slot 0
                        byte[] old = slot1(file);
                        writer.write(bytes(5)); // into slot 1, while the reader copies it
                        byte[] torn = old.clone();
                        System.arraycopy(slot1(file), 0, torn, 0, 12);
                        assertThat(Arrays.equals(torn, slot1(file))).isFalse();
                        buffer.position(start + StateFile.SLOT_SIZE).put(torn);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return StateFile.FILE_SIZE;
                }
            };
            StateFile.State read = StateFile.read(file, racing);
            assertThat(new String(read.payload(), StandardCharsets.US_ASCII)).as("not the 2 of before the read")
                    .isEqualTo("5");
        }
    }

    /**
     * A writer that writes before each of the reader's reads never lets two reads agree: the
     * reader gives up after 16 reads and returns the newest whole state it saw, the last one.
     */
    @Test
    void aReaderOvertakenBeforeEveryRead_returnsTheNewestStateItSaw_after16Reads() throws IOException {
        Path file = dir.resolve("state");
        assertThat(StateFile.create(file, bytes(1), Syscalls.libc())).isTrue(); // sequence 1
        try (StateFile writer = StateFile.openExclusive(file, Syscalls.libc())) {
            int[] reads = {0};
            ForwardingSyscalls overtaken = new ForwardingSyscalls() {
                @Override
                public int pread(Path f, int fd, ByteBuffer buffer, long offset) throws NativeCallException {
                    reads[0]++;
                    try {
                        writer.write(bytes(1 + reads[0])); // sequence 1 + reads
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return super.pread(f, fd, buffer, offset);
                }
            };
            StateFile.State read = StateFile.read(file, overtaken);
            assertThat(reads[0]).isEqualTo(16);
            assertThat(read).isEqualTo(writer.state());
            assertThat(new String(read.payload(), StandardCharsets.US_ASCII)).isEqualTo("17");
            assertThat(read.sequence()).isEqualTo(17);
        }
    }

    private static byte[] slot1(Path file) throws IOException {
        return Arrays.copyOfRange(Files.readAllBytes(file), StateFile.SLOT_SIZE, StateFile.FILE_SIZE);
    }
}
