package dev.growlog;

import dev.growlog.error.GrowLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.error.LogLockedException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;
import dev.growlog.internal.recovery.RecordScanner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Opens logs: creates a new file atomically, takes the writer lock, checks the header, maps the
 * file and recovers. If any step fails, everything taken so far is released.
 *
 * <h2>Crash safety</h2>
 * A new log is written under a temporary name (header, reserved blocks, fsync) and linked into
 * place only when complete, so a crash never leaves a half-made log under the real name.
 * Recovery scans from the checkpoint, and after an unclean shutdown zeroes everything after the
 * last valid record before the checkpoint moves, so that stale bytes from before a crash can
 * never be read as new records. Each step can be repeated: a crash during recovery leads to the
 * same result on the next open.
 */
final class Opener {
    private Opener() {
    }

    static GrowLog openWritable(Path path, GrowLogConfig config, Syscalls sys) throws IOException {
        return openWritable(path, config, sys, false);
    }

    /**
     * Opens for writing. With {@code keepDamage}, a damaged record after the checkpoint is not
     * cut (nor anything after it zeroed) so that an explicit repair can look past it.
     */
    static GrowLog openWritable(Path path, GrowLogConfig config, Syscalls sys, boolean keepDamage)
            throws IOException {
        Path file = prepare(path);
        if (!Files.exists(file)) {
            create(file, config, sys);
        }
        int fd = sys.open(file, true, false);
        GrowableMapping mapping = null;
        try {
            if (!sys.tryLockExclusive(file, fd)) {
                throw new LogLockedException(file);
            }
            long size = sys.size(file, fd);
            FileHeader.Fields header = FileHeader.read(readHeaderPage(file), size, file);
            mapping = GrowableMapping.map(sys, file, fd, size, true, config.headroom(), header.segmentSize());
            long from = scanStart(header, size);
            boolean fromCheckpoint = header.checkpointValid() && from == header.checkpoint();
            // After a checkpoint nothing was durable: stop at the first damage and cut there (a
            // torn tail). Without one, nothing tells durable records from torn ones: keep every
            // valid record and report the damage between them.
            RecordScanner.Result scan = fromCheckpoint ? RecordScanner.scan(mapping, from)
                    : RecordScanner.verify(mapping, from, Long.MAX_VALUE, Long.MAX_VALUE);
            List<Damage> kept = Repairer.publicDamage(scan).stream().filter(d -> d.position() < scan.end()).toList();
            String cut = Repairer.publicDamage(scan).stream().filter(d -> d.position() >= scan.end())
                    .map(Damage::reason).findFirst().orElse(null);
            long zeroed = 0;
            if (!keepDamage && (cut != null || !header.cleanShutdown())) {
                zeroed = size - scan.end();
                sys.zeroRange(file, fd, scan.end(), zeroed);
            }
            if (config.smallFolios()) {
                mapping.adviseSmallFolios(); // after recovery, which reads with readahead
            }
            Appender appender = new Appender(file, sys, fd, mapping, config, scan.end(),
                    (fromCheckpoint ? header.checkpointRecords() : 0) + scan.records(),
                    (fromCheckpoint ? header.checkpointBytes() : 0) + scan.bytes(), size);
            OrderedLock appendLock = new OrderedLock(LockOrder.WRITE, mapping);
            Checkpointer checkpointer = new Checkpointer(file, sys, fd, mapping, appender, appendLock, from);
            checkpointer.checkpoint(false);
            RecoveryReport report = new RecoveryReport(header.cleanShutdown(), header.checkpoint(), from,
                    scan.records(), scan.end(), cut != null, cut, zeroed, kept);
            GrowLog log = new GrowLog(file, sys, fd, mapping, header.segmentSize(), appender, checkpointer,
                    null, config.durability(), report);
            if (config.durability() == Durability.INTERVAL) {
                checkpointer.startFlusher(config.syncInterval().toNanos());
            }
            if (config.pretouchAhead() > 0) {
                appender.startPretoucher(new Pretoucher(file, sys, appender, checkpointer, mapping, appendLock,
                        config.pretouchAhead()));
            }
            return log;
        } catch (IOException | RuntimeException | Error e) {
            release(sys, file, fd, mapping, e);
            throw e;
        }
    }

    static GrowLog openReadOnly(Path path, GrowLogConfig config, Syscalls sys) throws IOException {
        Path file = prepare(path);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no growlog file to open read-only");
        }
        int fd = sys.open(file, false, false);
        GrowableMapping mapping = null;
        try {
            long size = sys.size(file, fd);
            FileHeader.Fields header = FileHeader.read(readHeaderPage(file), size, file);
            mapping = GrowableMapping.map(sys, file, fd, size, false, config.headroom(), header.segmentSize());
            long from = scanStart(header, size);
            RecordScanner.Result scan = RecordScanner.scan(mapping, from);
            boolean fromCheckpoint = header.checkpointValid() && from == header.checkpoint();
            RecoveryReport report = new RecoveryReport(header.cleanShutdown(), header.checkpoint(), from,
                    scan.records(), scan.end(), !scan.clean(), scan.problem(), 0, List.of());
            Follower follower = new Follower(file, sys, fd, mapping, new OrderedLock(LockOrder.WRITE, mapping), new Follower.Found(scan.end(),
                    (fromCheckpoint ? header.checkpointRecords() : 0) + scan.records(),
                    (fromCheckpoint ? header.checkpointBytes() : 0) + scan.bytes()));
            return new GrowLog(file, sys, fd, mapping, header.segmentSize(), null, null, follower,
                    Durability.NONE, report);
        } catch (IOException | RuntimeException | Error e) {
            release(sys, file, fd, mapping, e);
            throw e;
        }
    }

    private static Path prepare(Path path) throws GrowLogException {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            throw new GrowLogException(path, "growlog needs Linux (mremap, fallocate); this is " + os);
        }
        return path.toAbsolutePath();
    }

    /** The checkpoint when it is plausible, else the first record position. */
    private static long scanStart(FileHeader.Fields header, long size) {
        long checkpoint = header.checkpoint();
        boolean plausible = header.checkpointValid() && checkpoint >= FileHeader.SIZE && checkpoint <= size
                && checkpoint % 8 == 0;
        return plausible ? checkpoint : FileHeader.SIZE;
    }

    private static ByteBuffer readHeaderPage(Path file) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(FileHeader.SIZE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (page.hasRemaining() && channel.read(page) >= 0) {
                // read until the page is full or the file ends
            }
        }
        return page.clear();
    }

    /** Writes a complete new log under a temporary name, then links it into place. */
    private static void create(Path file, GrowLogConfig config, Syscalls sys) throws IOException {
        Path dir = file.getParent();
        Path temp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".creating");
        try {
            long size = (config.initialSize() + sys.pageSize() - 1) & -sys.pageSize();
            Files.createFile(temp);
            int fd = sys.open(temp, true, false);
            try {
                // Blocks first: on a full disk even the header page cannot be written, and that
                // must be a LogFullException like any other lack of room.
                sys.allocate(temp, fd, 0, size);
                sys.truncate(temp, fd, size);
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer page = ByteBuffer.allocate(FileHeader.SIZE);
                    FileHeader.write(page, config.segmentSize(), ThreadLocalRandom.current().nextLong());
                    channel.write(page, 0);
                }
                sys.fdatasync(temp, fd);
            } catch (NativeCallException e) {
                if (e.isNoSpace()) {
                    throw new LogFullException(file, "no space to create " + file + " with " + size + " bytes", e);
                }
                throw e;
            } finally {
                sys.close(temp, fd);
            }
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException raced) {
                return; // another process created it first; open theirs
            }
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void release(Syscalls sys, Path file, int fd, GrowableMapping mapping, Throwable primary) {
        try {
            if (mapping != null) {
                mapping.close();
            }
        } catch (NativeCallException e) {
            primary.addSuppressed(e);
        }
        try {
            sys.close(file, fd);
        } catch (NativeCallException e) {
            primary.addSuppressed(e);
        }
    }
}
