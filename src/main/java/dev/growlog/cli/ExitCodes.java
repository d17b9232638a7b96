package dev.growlog.cli;

/**
 * The exit codes of the {@code growlog} command. Scripts rely on them: keep the numbers stable,
 * and keep the list in {@link GrowlogCommand}'s help footer and in the README in step.
 * A run ended by SIGINT or SIGTERM exits with 130 or 143, the JVM's status after that signal,
 * once the command has stopped cleanly (see {@link StopOnSignal}).
 */
final class ExitCodes {
    /** Everything worked. */
    static final int OK = 0;
    /** A damaged record or header was found; the message names its position. */
    static final int CORRUPT = 1;
    /** Bad arguments, or input the command cannot take (a bad position, an oversized record). */
    static final int USAGE = 2;
    /** A file named on the command line does not exist. */
    static final int NOT_FOUND = 3;
    /**
     * Another process (or another open in this one) has the log open for writing, or a cursor
     * open as its owner.
     */
    static final int LOCKED = 4;
    /** The disk, or the log's configured maximum size, has no room for more records. */
    static final int DISK_FULL = 5;
    /** The file is not a growlog file, or was written by a newer format version. */
    static final int NOT_A_LOG = 6;
    /** Any other I/O error: permissions, a failed system call, a failed sync. */
    static final int IO_ERROR = 7;
    /**
     * Kafka refused a record for good as too large ({@code forward --on-too-large stop}), or failed
     * in a way retrying cannot fix (authentication, authorization, an invalid topic).
     */
    static final int KAFKA = 8;
    /** A bug in growlog: please report it with the message. */
    static final int INTERNAL = 70;
    /**
     * Stopped by SIGINT (Ctrl-C) after finishing the record in hand, closing the log and printing
     * the summary. The JVM sets it for a real signal; a command returns it when a stop was requested.
     */
    static final int INTERRUPTED = 130;
    /** Stopped by SIGTERM, as for {@link #INTERRUPTED}; always set by the JVM. */
    static final int TERMINATED = 143;

    private ExitCodes() {
    }
}
