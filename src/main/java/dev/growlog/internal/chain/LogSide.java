package dev.growlog.internal.chain;

import dev.growlog.internal.file.LogFile;

import java.io.IOException;

/**
 * What the writer's log and a read-only log do differently, behind the API's {@code GrowLog}:
 * where the start and the end are found, how a tailer waits, which file the stats describe, and
 * whether there is a writer at all. The façade holds one side, chosen when the log opens, and never asks
 * which kind it has.
 */
public sealed interface LogSide permits WriterSide, ReadOnlySide {
    /** The counters of one data file that {@code GrowLog.stats()} reports. */
    record FileCounters(LogFile file, long syncedPosition, long syncs, long fileSize, long pretouchedBytes) {
    }

    /** Position of the first record; a read-only log reads the start file again first. */
    long startPosition();

    /**
     * Position after the last committed record: the writer's end, or for a read-only log the end
     * found by following the files now.
     *
     * @throws dev.growlog.error.ClosedLogException when the log is closed
     */
    long endPosition() throws IOException;

    /**
     * A bound that every record lies below, known without following another process: the
     * writer's end; none ({@code Long.MAX_VALUE}) for a read-only log.
     */
    long knownEnd() throws IOException;

    /**
     * Waits up to {@code nanos} for a record after {@code position}; returns early when the log
     * closes. Never called inside a lease.
     */
    void awaitAppend(long position, long nanos) throws InterruptedException;

    /** The counters of the current file, for a log whose end is {@code end}. */
    FileCounters counters(long end) throws IOException;

    /**
     * The writer.
     *
     * @throws IllegalStateException for a read-only log
     */
    WriterSide writer();

    /** The file tests look at: the writer's current file, or the read-only log's first open file. */
    LogFile current() throws IOException;

    /**
     * The first step of closing: stops background work, marks the chain closed under its append
     * lock and wakes waiters. The files are closed after.
     */
    void shutDown();
}
