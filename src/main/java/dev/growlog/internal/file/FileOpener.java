package dev.growlog.internal.file;

import dev.growlog.Damage;
import dev.growlog.GrowLogConfig;
import dev.growlog.RecoveryReport;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;
import dev.growlog.internal.recovery.RecordScanner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Opens one data file of a log: checks its header against the chain, maps it and recovers it.
 * If any step fails, everything taken so far is released. The chain's writer lock must be held
 * to open a file for writing (the chain layer's {@code Opener} takes it).
 *
 * <h2>Crash safety</h2>
 * A new file is written under a temporary name (header, reserved blocks, fdatasync) and renamed
 * into place only when complete, so a crash never leaves a half-made file under a data file's
 * name. Recovery scans from the checkpoint, and after an unclean shutdown zeroes everything
 * after the last valid record before the checkpoint moves, so that stale bytes from before a
 * crash can never be read as new records. Each step can be repeated: a crash during recovery
 * leads to the same result on the next open.
 */
public final class FileOpener {
    /** What the chain expects a file's header to say. */
    public record Identity(long logId, long base, long span, int segmentSize) {
    }

    private FileOpener() {
    }

    /**
     * Opens a file for writing and recovers it. With {@code keepDamage}, a damaged record after
     * the checkpoint is not cut (nor anything after it zeroed) so that an explicit repair can
     * look past it. Starts a pretoucher when {@code pretouch} and the configuration ask for one.
     */
    public static LogFile openWritable(Path file, Identity expected, GrowLogConfig config, Syscalls sys,
                                OrderedLock appendLock, WriterFailure failure, boolean keepDamage, boolean pretouch)
            throws IOException {
        int fd = sys.open(file, true, false);
        GrowableMapping mapping = null;
        try {
            long size = sys.size(file, fd);
            FileHeader.Fields header = check(FileHeader.read(readHeaderPage(file), size, file), expected, file);
            mapping = GrowableMapping.map(sys, file, fd, size, true, config.headroom(), header.segmentSize());
            long from = scanStart(header, size);
            boolean fromCheckpoint = header.checkpointValid() && from == header.checkpoint();
            // After a checkpoint nothing was durable: stop at the first damage and cut there (a
            // torn tail). Without one, nothing tells durable records from torn ones: keep every
            // valid record and report the damage between them.
            long base = header.base();
            RecordScanner.Result scan = fromCheckpoint ? RecordScanner.scanFile(mapping, base, from)
                    : RecordScanner.verifyFile(mapping, base, from, Long.MAX_VALUE);
            List<Damage> kept = Repairer.publicDamage(scan, base).stream()
                    .filter(d -> d.position() < base + scan.end()).toList();
            String cut = Repairer.publicDamage(scan, base).stream().filter(d -> d.position() >= base + scan.end())
                    .map(Damage::reason).findFirst().orElse(null);
            long zeroed = 0;
            if (!keepDamage && (cut != null || !header.cleanShutdown())) {
                zeroed = size - scan.end();
                sys.zeroRange(file, fd, scan.end(), zeroed);
            }
            if (config.smallFolios()) {
                mapping.adviseSmallFolios(); // after recovery, which reads with readahead
            }
            Appender appender = new Appender(file, sys, fd, mapping, config, failure, base, header.span(), scan.end(),
                    (fromCheckpoint ? header.checkpointRecords() : 0) + scan.records(),
                    (fromCheckpoint ? header.checkpointBytes() : 0) + scan.bytes(), size);
            Checkpointer checkpointer = new Checkpointer(file, sys, fd, mapping, appender, appendLock, failure, from);
            checkpointer.checkpoint(false);
            RecoveryReport report = new RecoveryReport(header.cleanShutdown(), base + header.checkpoint(),
                    base + from, scan.records(), base + scan.end(), cut != null, cut, zeroed, kept);
            LogFile log = new LogFile(file, sys, fd, mapping, base, header.span(), appender, checkpointer, failure,
                    null, report);
            if (pretouch && config.pretouchAhead() > 0) {
                appender.startPretoucher(new Pretoucher(file, sys, appender, failure, mapping, appendLock,
                        config.pretouchAhead()));
            }
            return log;
        } catch (IOException | RuntimeException | Error e) {
            release(sys, file, fd, mapping, e);
            throw e;
        }
    }

    /** Opens a file for reading only; changes nothing in it. */
    public static LogFile openReadOnly(Path file, Identity expected, long headroom, Syscalls sys) throws IOException {
        int fd = sys.open(file, false, false);
        GrowableMapping mapping = null;
        try {
            long size = sys.size(file, fd);
            FileHeader.Fields header = check(FileHeader.read(readHeaderPage(file), size, file), expected, file);
            mapping = GrowableMapping.map(sys, file, fd, size, false, headroom, header.segmentSize());
            long from = scanStart(header, size);
            long base = header.base();
            RecordScanner.Result scan = RecordScanner.scanFile(mapping, base, from);
            boolean fromCheckpoint = header.checkpointValid() && from == header.checkpoint();
            RecoveryReport report = new RecoveryReport(header.cleanShutdown(), base + header.checkpoint(),
                    base + from, scan.records(), base + scan.end(), !scan.clean(), scan.problem(), 0, List.of());
            Follower follower = new Follower(file, sys, fd, mapping, new OrderedLock(LockOrder.WRITE, mapping),
                    base, new Follower.Found(scan.end(),
                    (fromCheckpoint ? header.checkpointRecords() : 0) + scan.records(),
                    (fromCheckpoint ? header.checkpointBytes() : 0) + scan.bytes()));
            return new LogFile(file, sys, fd, mapping, base, header.span(), null, null, null, follower, report);
        } catch (IOException | RuntimeException | Error e) {
            release(sys, file, fd, mapping, e);
            throw e;
        }
    }

    /**
     * Opens a new, empty file that {@link #create} wrote under the temporary name {@code temp}
     * for writing, as {@code file}, the name it will be renamed to: nothing to recover, nothing
     * synced. Used to prepare the next file of a chain before the writer rolls to it.
     */
    public static LogFile openPrepared(Path temp, Path file, Identity expected, GrowLogConfig config, Syscalls sys,
                                OrderedLock appendLock, WriterFailure failure) throws IOException {
        int fd = sys.open(temp, true, false);
        GrowableMapping mapping = null;
        try {
            long size = sys.size(temp, fd);
            FileHeader.Fields header = check(FileHeader.read(readHeaderPage(temp), size, temp), expected, temp);
            mapping = GrowableMapping.map(sys, file, fd, size, true, config.headroom(), header.segmentSize());
            if (config.smallFolios()) {
                mapping.adviseSmallFolios();
            }
            long end = FileHeader.SIZE;
            Appender appender = new Appender(file, sys, fd, mapping, config, failure, header.base(), header.span(), end,
                    0, 0, size);
            Checkpointer checkpointer = new Checkpointer(file, sys, fd, mapping, appender, appendLock, failure, end);
            RecoveryReport report = new RecoveryReport(false, header.base() + end, header.base() + end, 0,
                    header.base() + end, false, null, 0, List.of());
            return new LogFile(file, sys, fd, mapping, header.base(), header.span(), appender, checkpointer, failure,
                    null, report);
        } catch (IOException | RuntimeException | Error e) {
            release(sys, temp, fd, mapping, e);
            throw e;
        }
    }

    /** Refuses a file whose header does not belong where the chain found it. */
    public static FileHeader.Fields check(FileHeader.Fields header, Identity expected, Path file)
            throws CorruptLogException {
        if (expected == null) {
            return header;
        }
        if (header.logId() != expected.logId()) {
            throw new CorruptLogException(file, 24, "file " + file + " belongs to another log: log id actual=0x"
                    + Long.toHexString(header.logId()) + " expected=0x" + Long.toHexString(expected.logId()));
        }
        if (header.base() != expected.base() || header.span() != expected.span()
                || header.segmentSize() != expected.segmentSize()) {
            throw new CorruptLogException(file, 32, "file " + file + " does not fit its place in the log: base/span/"
                    + "segment size actual=" + header.base() + "/" + header.span() + "/" + header.segmentSize()
                    + " expected=" + expected.base() + "/" + expected.span() + "/" + expected.segmentSize()
                    + " (named for base " + expected.base() + ")");
        }
        return header;
    }

    /** The checkpoint when it is plausible, else the first record position. */
    private static long scanStart(FileHeader.Fields header, long size) {
        long checkpoint = header.checkpoint();
        boolean plausible = header.checkpointValid() && checkpoint >= FileHeader.SIZE && checkpoint <= size
                && checkpoint % 8 == 0;
        return plausible ? checkpoint : FileHeader.SIZE;
    }

    /** Reads and checks the header of {@code file}, without mapping it. */
    public static FileHeader.Fields readHeader(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return FileHeader.read(readHeaderPage(channel), channel.size(), file);
        }
    }

    private static ByteBuffer readHeaderPage(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeaderPage(channel);
        }
    }

    private static ByteBuffer readHeaderPage(FileChannel channel) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(FileHeader.SIZE);
        while (page.hasRemaining() && channel.read(page, page.position()) >= 0) {
            // read until the page is full or the file ends
        }
        return page.clear();
    }

    /** The size a new file starts with: the configured initial size in whole pages. */
    public static long initialSize(GrowLogConfig config, Syscalls sys) {
        return (config.initialSize() + sys.pageSize() - 1) & -sys.pageSize();
    }

    /**
     * Writes a complete new, empty data file at {@code temp}: reserved blocks, the header, an
     * fdatasync. The caller renames it into place. A full disk is a {@link LogFullException}.
     */
    public static void create(Path temp, Identity identity, long size, GrowLogConfig config, Syscalls sys)
            throws IOException {
        Files.deleteIfExists(temp);
        Files.createFile(temp);
        int fd = sys.open(temp, true, false);
        try {
            // Blocks first: on a full disk even the header page cannot be written, and that
            // must be a LogFullException like any other lack of room.
            sys.allocate(temp, fd, 0, size);
            sys.truncate(temp, fd, size);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer page = ByteBuffer.allocate(FileHeader.SIZE);
                FileHeader.write(page, identity.segmentSize(), identity.logId(), identity.base(), identity.span());
                channel.write(page, 0);
            }
            sys.fdatasync(temp, fd);
        } catch (NativeCallException e) {
            sys.close(temp, fd);
            Files.deleteIfExists(temp);
            if (e.isNoSpace()) {
                throw new LogFullException(temp, "no space to create " + temp + " with " + size + " bytes", e);
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            sys.close(temp, fd);
            Files.deleteIfExists(temp);
            throw e;
        }
        sys.close(temp, fd);
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
