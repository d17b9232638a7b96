package dev.growlog.internal.chain;

import dev.growlog.GrowLogConfig;
import dev.growlog.RecoveryReport;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.GrowLogException;
import dev.growlog.error.LogLockedException;
import dev.growlog.error.UnsupportedFormatException;
import dev.growlog.internal.file.FileOpener;
import dev.growlog.internal.file.LogFile;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;

/**
 * Opens a log directory: takes the writer lock, recovers the chain of files and opens the last
 * one for appending; or, read-only, finds the files and changes nothing.
 *
 * <h2>Crash safety</h2>
 * Every step of rolling and truncation leaves a state this recovers from: temporary files (a
 * next file half made, a start file half made) are deleted; data files whose span ends at or
 * before the durable start are deleted (a deletion in progress), except the last, which stays
 * the writer's (a truncation at the end of a full file moves the start past it); a file that is not the last
 * and was not shut down cleanly (the writer crashed before it synced it after a roll) is
 * recovered like a last file and, unless it is already, sealed with padding to its span end so
 * that readers move on to the next file; the last file is recovered as a single file always
 * was. A directory with no data file is a new log. Each step can be repeated.
 */
public final class Opener {
    private Opener() {
    }

    /**
     * Opens the log in {@code path} for writing, creating it if absent. {@code facade} makes what
     * the caller hands out (the API's log) from the open chain and what recovery found in its last
     * file; it runs before the open counts as done, so that a failure there releases everything.
     */
    public static <T> T openWritable(Path path, GrowLogConfig config, Syscalls sys,
                                     BiFunction<Chain, RecoveryReport, T> facade) throws IOException {
        return openWritable(path, config, sys, false, null, facade);
    }

    /**
     * Opens for an explicit repair: nothing damaged is cut, and {@code repairer} mends a missing
     * file between two others before the chain is checked.
     */
    static Chain openForRepair(Path path, GrowLogConfig config, Syscalls sys, ChainRepairer repairer)
            throws IOException {
        return openWritable(path, config, sys, true, repairer, (chain, recovery) -> chain);
    }

    /** Opens for writing; with {@code keepDamage} nothing damaged is cut, for an explicit repair. */
    private static <T> T openWritable(Path path, GrowLogConfig config, Syscalls sys, boolean keepDamage,
                                      ChainRepairer repairer, BiFunction<Chain, RecoveryReport, T> facade)
            throws IOException {
        Path dir = prepare(path);
        boolean created = !Files.isDirectory(dir);
        if (created) {
            Files.createDirectory(dir); // its parent must exist
        }
        Path lock = dir.resolve(DataFiles.LOCK);
        int lockFd;
        try {
            lockFd = sys.open(lock, true, true);
        } catch (IOException | RuntimeException e) {
            removeIfCreated(created, dir, lock, e);
            throw e;
        }
        Chain chain = null;
        try {
            if (!sys.tryLockExclusive(lock, lockFd)) {
                throw new LogLockedException(dir);
            }
            for (Path temp : DataFiles.temporary(dir)) {
                Files.deleteIfExists(temp); // a next file or a start file half made when a writer stopped
            }
            TreeMap<Long, Path> onDisk = DataFiles.list(dir);
            if (onDisk.isEmpty()) {
                onDisk.put(0L, create(dir, config, sys));
            }
            FileOpener.Identity identity = identity(onDisk.lastEntry().getValue(), onDisk.lastKey());
            long recorded = StartFile.read(dir, identity.logId(), sys);
            long start = Math.max(recorded, onDisk.firstKey() + FileHeader.SIZE);
            chain = new Chain(dir, sys, config, identity, lockFd, start);
            chain.deleteBelow(start); // a truncation that stopped before it deleted every file
            onDisk = DataFiles.list(dir);
            if (repairer != null) {
                onDisk = repairer.mendGaps(chain, onDisk);
            }
            checkContiguous(dir, onDisk, identity.span());
            for (Map.Entry<Long, Path> e : onDisk.headMap(onDisk.lastKey()).entrySet()) {
                sealIfUnclean(chain, e.getValue(), e.getKey() / identity.span(), config, sys, keepDamage);
            }
            long last = onDisk.lastKey() / identity.span();
            LogFile current = FileOpener.openWritable(onDisk.lastEntry().getValue(), chain.identity(last), config,
                    sys, chain.appendLock(), chain.failure(), keepDamage, true);
            chain.setCurrent(current);
            current.appender().budget(chain.budget());
            retainAtOpen(chain);
            return facade.apply(chain, current.recovery());
        } catch (IOException | RuntimeException | Error e) {
            release(chain, sys, lock, lockFd, e);
            removeIfCreated(created, dir, lock, e);
            throw e;
        }
    }

    /** A new log that could not be made (a full disk): leaves nothing behind. */
    private static void removeIfCreated(boolean created, Path dir, Path lock, Throwable primary) {
        if (!created) {
            return;
        }
        try {
            Files.deleteIfExists(lock);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    /**
     * Applies the retention limits at once, so that they hold after a restart under a smaller
     * budget or a passed age limit. A failure is left for the first growth, which runs the same
     * pass and reports it.
     */
    private static void retainAtOpen(Chain chain) {
        try {
            chain.enforceRetention(0);
        } catch (IOException ignored) {
            // reported by the writer's first growth that needs the room
        }
    }

    /** Opens an existing log read-only; {@code facade} as for {@link #openWritable}. */
    public static <T> T openReadOnly(Path path, GrowLogConfig config, Syscalls sys,
                                     BiFunction<Chain, RecoveryReport, T> facade) throws IOException {
        Path dir = prepare(path);
        if (Files.isRegularFile(dir)) {
            refuseFile(dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no growlog log directory to open read-only");
        }
        TreeMap<Long, Path> onDisk = DataFiles.list(dir);
        if (onDisk.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "no growlog data file in the log directory");
        }
        FileOpener.Identity identity = identity(onDisk.lastEntry().getValue(), onDisk.lastKey());
        long recorded = StartFile.read(dir, identity.logId(), sys);
        Chain chain = new Chain(dir, sys, config, identity, -1,
                Math.max(recorded, onDisk.firstKey() + FileHeader.SIZE));
        long last = onDisk.lastKey() / identity.span();
        LogFile file = FileOpener.openReadOnly(onDisk.lastEntry().getValue(), chain.identity(last),
                config.headroom(), sys);
        chain.addOpen(file);
        return facade.apply(chain, file.recovery());
    }

    private static Path prepare(Path path) throws IOException {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            throw new GrowLogException(path, "growlog needs Linux (mremap, fallocate); this is " + os);
        }
        Path dir = path.toAbsolutePath();
        if (Files.isRegularFile(dir)) {
            refuseFile(dir);
        }
        return dir;
    }

    /** A log is a directory: refuses a file, naming what it is if it is a growlog file of another version. */
    private static void refuseFile(Path file) throws IOException {
        FileOpener.readHeader(file); // names an older, newer or foreign format
        throw new UnsupportedFormatException(file, "not a growlog log: " + file + " is a file, and a log is a"
                + " directory of data files; open the directory it lies in, or move it into one");
    }

    /** The chain's identity, as the highest file says it (checked against its name). */
    private static FileOpener.Identity identity(Path file, long base) throws IOException {
        FileHeader.Fields header = FileOpener.readHeader(file);
        if (header.base() != base) {
            throw new CorruptLogException(file, 32, "file " + file + " does not fit its place in the log: base"
                    + " actual=" + header.base() + " expected=" + base + " (from its name)");
        }
        return new FileOpener.Identity(header.logId(), header.base(), header.span(), header.segmentSize());
    }

    private static void checkContiguous(Path dir, TreeMap<Long, Path> files, long span) throws CorruptLogException {
        long expected = files.firstKey();
        for (long base : files.keySet()) {
            if (base % span != 0 || base != expected) {
                throw new CorruptLogException(dir.resolve(DataFiles.name(expected)), expected, "log " + dir
                        + " has a gap: data file " + DataFiles.name(expected) + " is missing (or "
                        + DataFiles.name(base) + " does not belong), with files on both sides; 'growlog recover"
                        + " --truncate-corrupt' cuts the log before the gap, --skip-corrupt makes the file again"
                        + " empty");
            }
            expected = base + span;
        }
    }

    /**
     * A file that is not the last: if its writer did not shut it down cleanly (it crashed after a
     * roll, before the file was synced), recovers it and seals it to its span end.
     */
    private static void sealIfUnclean(Chain chain, Path file, long index, GrowLogConfig config, Syscalls sys,
                                      boolean keepDamage) throws IOException {
        FileHeader.Fields header = FileOpener.check(FileOpener.readHeader(file), chain.identity(index), file);
        if (header.cleanShutdown()) {
            return;
        }
        LogFile f = FileOpener.openWritable(file, chain.identity(index), config, sys, chain.appendLock(),
                chain.failure(), keepDamage, false);
        try {
            chain.appendLock().lock();
            try {
                f.appender().seal();
            } finally {
                chain.appendLock().unlock();
            }
        } catch (IOException | RuntimeException e) {
            f.abandonAfter(e);
            throw e;
        }
        f.close(); // syncs and marks it clean
    }

    /** Writes file 0 of a new log under a temporary name, then renames it into place. */
    private static Path create(Path dir, GrowLogConfig config, Syscalls sys) throws IOException {
        long span = config.rollSize();
        FileOpener.Identity identity = new FileOpener.Identity(ThreadLocalRandom.current().nextLong(), 0, span,
                config.segmentSize());
        Files.deleteIfExists(dir.resolve(StartFile.NAME)); // no data: a start file left alone means nothing
        Path temp = DataFiles.temp(dir, 0, span);
        Path file = DataFiles.path(dir, 0, span);
        try {
            FileOpener.create(temp, identity, Math.min(FileOpener.initialSize(config, sys), span), config, sys);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            sys.syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
        return file;
    }

    private static void release(Chain chain, Syscalls sys, Path lock, int lockFd, Throwable primary) {
        try {
            if (chain != null) {
                chain.closeFiles(); // releases the lock too
                return;
            }
        } catch (IOException | RuntimeException e) {
            primary.addSuppressed(e);
            return;
        }
        try {
            sys.close(lock, lockFd);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
