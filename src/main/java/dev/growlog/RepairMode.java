package dev.growlog;

/** What an explicit repair ({@link GrowLog#repair(java.nio.file.Path, RepairMode)}) does with damage. */
public enum RepairMode {
    /** Cut the log at the first damaged record: everything after it is dropped. */
    TRUNCATE,
    /**
     * Mark each damaged range as skipped and keep every valid record after it. Readers pass
     * over skipped ranges; positions of the kept records do not change.
     */
    SKIP
}
