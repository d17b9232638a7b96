package dev.growlog.internal.chain;

import dev.growlog.RecoveryReport;
import dev.growlog.error.ClosedLogException;
import dev.growlog.internal.file.LogFile;
import dev.growlog.internal.format.FileHeader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A read-only log: follows a writer that may run in another process. The end is found by
 * following the last file that exists, the start by reading the start file again, and a tailer
 * waits by parking, since no signal crosses processes. There is no writer: appends, syncs and
 * truncation are refused.
 */
public final class ReadOnlySide implements LogSide {
    private final Chain chain;
    /** What the scan at open found; its checkpoint is the synced position stats report. */
    private final RecoveryReport recovery;

    public ReadOnlySide(Chain chain, RecoveryReport recovery) {
        this.chain = chain;
        this.recovery = recovery;
    }

    @Override
    public long startPosition() {
        try {
            chain.refresh(true);
        } catch (IOException | RuntimeException e) {
            // the start last read stands; the next read or follow tries again
        }
        return chain.start();
    }

    @Override
    public long endPosition() throws IOException {
        chain.checkOpen();
        chain.refresh(true);
        for (int attempt = 0; ; attempt++) {
            // Only the last file: opening the ones before it would hold files no reader needs.
            Map.Entry<Long, Path> last = DataFiles.list(chain.dir()).lastEntry();
            long index = last == null ? -1 : last.getKey() / chain.span();
            if (last == null || (index + 1) * chain.span() <= chain.start()) {
                return chain.start();
            }
            LogFile file = chain.fileAt(index);
            if (file == null) {
                continue; // deleted since the listing: list again
            }
            try {
                long end = Math.max(chain.start(), chain.normalize(file.base() + file.end()));
                chain.closeUnread();
                return end;
            } catch (ClosedLogException closedUnderUs) {
                RecordFinder.reopened(chain, closedUnderUs, attempt, file.base() + FileHeader.SIZE);
            }
        }
    }

    @Override
    public long knownEnd() {
        return Long.MAX_VALUE;
    }

    @Override
    public void awaitAppend(long position, long nanos) throws InterruptedException {
        LockSupport.parkNanos(nanos);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /** The counters of the last file up to {@code end}, or of the first when the log is empty. */
    @Override
    public FileCounters counters(long end) throws IOException {
        LogFile file = chain.fileAt(Math.max(chain.start(), end - 1) / chain.span());
        if (file == null) {
            file = chain.fileAt(chain.start() / chain.span());
        }
        return new FileCounters(file, recovery.checkpoint(), 0, Files.size(file.file()), 0);
    }

    @Override
    public WriterSide writer() {
        throw new IllegalStateException("log " + chain.dir() + " is open read-only");
    }

    @Override
    public LogFile current() throws IOException {
        return chain.fileAt(chain.start() / chain.span());
    }

    @Override
    public void shutDown() {
        chain.markClosed();
    }
}
