package dev.growlog;

import dev.growlog.internal.format.FileHeader;

import java.time.Duration;
import java.util.Objects;

/**
 * How a log is laid out and grows. Build with {@link #builder()}; every setting has a default.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>segmentSize</td><td>64 MiB</td><td>size of a segment view; a power of two from 64 KiB
 *       to 1 GiB; records never straddle segments, so the largest payload is this minus 8.
 *       Fixed when the file is created; an existing file keeps its own.</td></tr>
 *   <tr><td>initialSize</td><td>1 MiB</td><td>file size a new log starts with</td></tr>
 *   <tr><td>maxGrowthStep</td><td>256 MiB</td><td>the file doubles when it grows, by at most this</td></tr>
 *   <tr><td>rollSize</td><td>256 MiB (at least two segments)</td><td>span of global positions each data file of the
 *       log covers, in bytes: the writer rolls to a new file when the next record does not fit
 *       before the span's end. A multiple of the segment size, at least two segments. Fixed when
 *       the log is created; an existing log keeps its own.</td></tr>
 *   <tr><td>headroom</td><td>64 GiB</td><td>address space reserved after the mapping so it can
 *       grow in place; 0 reserves none, and every growth then moves the mapping (a way for tests to make moves frequent)</td></tr>
 *   <tr><td>durability</td><td>{@link Durability#NONE}</td><td>when records become durable
 *       without an explicit sync</td></tr>
 *   <tr><td>syncInterval</td><td>100 ms</td><td>how often {@link Durability#INTERVAL} syncs</td></tr>
 *   <tr><td>pretouchAhead</td><td>8 MiB</td><td>a background thread reserves blocks, grows the
 *       mapping and faults in pages this far ahead of the writer; 0 turns it off</td></tr>
 *   <tr><td>smallFolios</td><td>on when {@code durability} is {@link Durability#EVERY_APPEND} or
 *       {@link Durability#INTERVAL}, off for {@link Durability#NONE}</td><td>the writer's
 *       mapping is advised {@code MADV_RANDOM}, so the page cache holds the log's new pages as
 *       4 KiB pages instead of large folios and a sync writes back only the pages it changed
 *       (with large folios, a sync every 256 records of 256 B wrote 10-16 times what it made
 *       durable). Costs readahead for in-process readers of records that are not in the page
 *       cache. See docs/PERFORMANCE.md, <i>Bytes written per sync</i>.</td></tr>
 *   <tr><td>minFreeSpace</td><td>0</td><td>growth that would leave less free space on the file
 *       system throws {@link dev.growlog.error.LogFullException} early</td></tr>
 *   <tr><td>retentionBytes</td><td>0 (none)</td><td>disk budget: bytes the log's files may take
 *       on disk together; the writer deletes its oldest files to stay within it, and at least two
 *       files' worth ({@code 2 * rollSize}) is required</td></tr>
 *   <tr><td>retentionAge</td><td>none</td><td>files whose newest record is older than this are
 *       deleted (checked when the writer opens, rolls or needs room)</td></tr>
 *   <tr><td>retentionPolicy</td><td>{@link RetentionPolicy#BLOCK}</td><td>when a durable cursor
 *       still needs the oldest file: keep it and refuse appends past the budget, or drop it</td></tr>
 *   <tr><td>cursorTimeout</td><td>24 hours</td><td>a cursor not committed for this long is
 *       abandoned: it no longer keeps files from retention</td></tr>
 *   <tr><td>sealedSyncDelay</td><td>30 s</td><td>how long a file the writer rolled away from may
 *       wait, unsynced, for a sync when nothing else syncs it; 0 syncs it at once, in the
 *       background</td></tr>
 * </table>
 */
public final class GrowLogConfig {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    private static final GrowLogConfig DEFAULTS = builder().build();

    private final int segmentSize;
    private final long initialSize;
    private final long maxGrowthStep;
    private final long rollSize;
    private final long headroom;
    private final Durability durability;
    private final Duration syncInterval;
    private final long minFreeSpace;
    private final long retentionBytes;
    private final Duration retentionAge;
    private final RetentionPolicy retentionPolicy;
    private final Duration cursorTimeout;
    private final Duration sealedSyncDelay;
    private final long pretouchAhead;
    /** Explicit setting, or null for the default of the durability policy. */
    private final Boolean smallFolios;

    private GrowLogConfig(Builder b) {
        this.segmentSize = b.segmentSize;
        this.initialSize = b.initialSize;
        this.maxGrowthStep = b.maxGrowthStep;
        this.rollSize = b.rollSize != 0 ? b.rollSize : Math.max(256 * MIB, 2L * b.segmentSize);
        this.headroom = b.headroom;
        this.durability = b.durability;
        this.syncInterval = b.syncInterval;
        this.minFreeSpace = b.minFreeSpace;
        this.retentionBytes = b.retentionBytes;
        this.retentionAge = b.retentionAge;
        this.retentionPolicy = b.retentionPolicy;
        this.cursorTimeout = b.cursorTimeout;
        this.sealedSyncDelay = b.sealedSyncDelay;
        this.pretouchAhead = b.pretouchAhead;
        this.smallFolios = b.smallFolios;
    }

    /**
     * A builder holding every default; set what differs, then {@link Builder#build()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The configuration with every setting at its default, as {@code builder().build()}.
     *
     * @return the default configuration
     */
    public static GrowLogConfig defaults() {
        return DEFAULTS;
    }

    /**
     * Size of a segment view in bytes; the largest payload is this minus 8.
     *
     * @return the segment size of new files, a power of two from 64 KiB to 1 GiB
     */
    public int segmentSize() {
        return segmentSize;
    }

    /**
     * Size of a new log file in bytes, rounded up to the page size when the file is created.
     *
     * @return the initial file size
     */
    public long initialSize() {
        return initialSize;
    }

    /**
     * Largest growth of the file in bytes: the file doubles when it grows, by at most this.
     *
     * @return the largest growth step
     */
    public long maxGrowthStep() {
        return maxGrowthStep;
    }

    /**
     * Span of a data file in bytes: file {@code i} of a log holds the records at global positions
     * {@code [i * rollSize, (i + 1) * rollSize)}, and the writer rolls to the next file when a
     * record does not fit before the end of the span. A data file is never larger than this.
     *
     * <p>Why 256 MiB by default: disk space is given back one whole file at a time (by
     * {@link GrowLog#truncateBefore(long)}, and by the retention budgets built on it), so the
     * file is the granularity of every budget: a budget can be overshot by up to one file, and
     * a budget smaller than two files cannot be kept. Files of 256 MiB keep that slack small on
     * any disk that holds a log worth keeping, while a roll (a rename and a new mapping, prepared
     * ahead in the background) stays rare: about four a second at a full 1 GB/s.
     *
     * @return the span of each data file, a multiple of the segment size
     */
    public long rollSize() {
        return rollSize;
    }

    /**
     * Address space in bytes reserved after the mapping, so that it can grow in place; 0 makes
     * every growth move the mapping.
     *
     * @return the headroom
     */
    public long headroom() {
        return headroom;
    }

    /**
     * When appended records become durable without an explicit sync.
     *
     * @return the sync policy
     */
    public Durability durability() {
        return durability;
    }

    /**
     * How often {@link Durability#INTERVAL} syncs.
     *
     * @return the interval between background syncs
     */
    public Duration syncInterval() {
        return syncInterval;
    }

    /**
     * Free space in bytes that growth must leave on the file system; growth that would leave
     * less throws {@link dev.growlog.error.LogFullException}.
     *
     * @return the free-space floor, 0 for none
     */
    public long minFreeSpace() {
        return minFreeSpace;
    }

    /**
     * How far ahead of the writer, in bytes, a background thread reserves blocks, grows the
     * mapping and faults in pages; 0 turns it off.
     *
     * @return the pretouch distance
     */
    public long pretouchAhead() {
        return pretouchAhead;
    }

    /**
     * Whether the writer keeps the log's pages in the page cache as small folios: as set, or by
     * default on when the durability policy syncs ({@link Durability#EVERY_APPEND},
     * {@link Durability#INTERVAL}) and off for {@link Durability#NONE}.
     *
     * @return true when the writer's mapping is advised to fault in base pages
     */
    public boolean smallFolios() {
        return smallFolios != null ? smallFolios : durability != Durability.NONE;
    }

    /**
     * Largest payload a log with this segment size accepts, in bytes.
     *
     * @param segmentSize a valid segment size in bytes
     * @return the segment size minus the 8-byte record header
     */
    public static int maxPayload(int segmentSize) {
        return segmentSize - 8;
    }

    /**
     * The disk budget: bytes the log's files may take on disk together (data files, the next file
     * prepared ahead, blocks reserved ahead, the start and cursor files). Before the writer adds
     * blocks it deletes its oldest files as far as {@link #retentionPolicy()} allows; when that is
     * not enough, the append throws {@link dev.growlog.error.LogFullException} and changes
     * nothing. Files go whole, so the budget must hold at least two files
     * ({@code 2 * rollSize}): the writer's and the next one.
     *
     * @return the budget in bytes; 0 for none
     */
    public long retentionBytes() {
        return retentionBytes;
    }

    /**
     * The age limit: a file whose newest record is older than this is deleted (never the
     * writer's current file), as far as {@link #retentionPolicy()} allows. Checked when the
     * writer opens the log, rolls to a new file or needs room.
     *
     * @return the limit, or null for none
     */
    public Duration retentionAge() {
        return retentionAge;
    }

    /**
     * What happens when the budget or age limit says the oldest file should go while a durable
     * cursor, committed within {@link #cursorTimeout()}, still needs records in it.
     *
     * @return the policy; {@link RetentionPolicy#BLOCK} by default
     */
    public RetentionPolicy retentionPolicy() {
        return retentionPolicy;
    }

    /**
     * How long a durable cursor may go without a commit (or a move) and still keep files from
     * retention. A consumer that stops for longer is abandoned: its files may go, and it learns
     * which records it lost when it reads again. So a dead consumer never pins the disk for
     * longer than this.
     *
     * @return the timeout; 24 hours by default
     */
    public Duration cursorTimeout() {
        return cursorTimeout;
    }

    /**
     * How long a sealed file (one the writer rolled away from) may wait for its sync when no
     * explicit sync, durable append or sync interval comes first. Until then it stays open and
     * unsynced, so a roll writes nothing to disk on its own, as appends into one file do not:
     * with {@link Durability#NONE} a burst is taken at the speed of memory, not of the disk. By
     * then the kernel has usually written the pages back on its own (its default expiry of dirty
     * pages is 30 s), so the sync that marks the file cleanly shut down is cheap, and an open
     * after a crash scans only the files that still wait. At most 64 sealed files wait; a roll
     * past that syncs the oldest at once.
     *
     * @return the delay; 30 seconds by default, zero to sync each sealed file at once in the
     *         background
     */
    public Duration sealedSyncDelay() {
        return sealedSyncDelay;
    }

    @Override
    public String toString() {
        return "GrowLogConfig{segmentSize=" + segmentSize + ", initialSize=" + initialSize + ", maxGrowthStep="
                + maxGrowthStep + ", rollSize=" + rollSize
                + ", headroom=" + headroom + ", durability=" + durability + ", syncInterval=" + syncInterval
                + ", minFreeSpace=" + minFreeSpace + ", pretouchAhead=" + pretouchAhead + ", smallFolios=" + smallFolios()
                + ", retentionBytes=" + retentionBytes + ", retentionAge=" + retentionAge + ", retentionPolicy="
                + retentionPolicy + ", cursorTimeout=" + cursorTimeout + ", sealedSyncDelay=" + sealedSyncDelay + "}";
    }

    /**
     * Builds a {@link GrowLogConfig}. The setters take any value; {@link #build()} checks them
     * together and rejects what is out of range or inconsistent.
     */
    public static final class Builder {
        private int segmentSize = (int) (64 * MIB);
        private long initialSize = MIB;
        private long maxGrowthStep = 256 * MIB;
        /** Explicit setting, or 0 for the default: 256 MiB, or two segments when that is more. */
        private long rollSize;
        private long headroom = 64 * GIB;
        private Durability durability = Durability.NONE;
        private Duration syncInterval = Duration.ofMillis(100);
        private long minFreeSpace;
        private long retentionBytes;
        private Duration retentionAge;
        private RetentionPolicy retentionPolicy = RetentionPolicy.BLOCK;
        private Duration cursorTimeout = Duration.ofHours(24);
        private Duration sealedSyncDelay = Duration.ofSeconds(30);
        private long pretouchAhead = 8 * MIB;
        private Boolean smallFolios;

        private Builder() {
        }

        /**
         * Whether the writer's mapping is advised {@code MADV_RANDOM} so that a sync writes back
         * only the pages it changed, not whole large folios. Default: on with the
         * {@link Durability#EVERY_APPEND} and {@link Durability#INTERVAL} policies, off with
         * {@link Durability#NONE}, where it would only cost append throughput.
         *
         * @param small true to advise small folios, false not to, whatever the policy
         * @return this builder
         */
        public Builder smallFolios(boolean small) {
            this.smallFolios = small;
            return this;
        }

        /**
         * How far ahead of the writer a background thread (under {@code SCHED_BATCH}, so that its
         * wake-ups never preempt the writer) reserves blocks, grows the mapping and faults in pages,
         * so that appends rarely wait for the disk or a page fault. Default 8 MiB.
         *
         * @param bytes how far ahead, in bytes; 0 turns the thread off; must not be negative
         * @return this builder
         */
        public Builder pretouchAhead(long bytes) {
            this.pretouchAhead = bytes;
            return this;
        }

        /**
         * When appended records become durable without an explicit {@link GrowLog#sync()}.
         * Default {@link Durability#NONE}.
         *
         * @param durability the sync policy
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * How often a background thread syncs under {@link Durability#INTERVAL}, when there is
         * something new. Default 100 ms.
         *
         * @param interval the time between syncs; must be positive
         * @return this builder
         */
        public Builder syncInterval(Duration interval) {
            this.syncInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Free space the file system must keep: growth that would leave less throws
         * {@link dev.growlog.error.LogFullException} early, with the log unchanged. Default 0.
         *
         * @param bytes the floor in bytes; 0 for none; must not be negative
         * @return this builder
         */
        public Builder minFreeSpace(long bytes) {
            this.minFreeSpace = bytes;
            return this;
        }

        /**
         * The disk budget; see {@link GrowLogConfig#retentionBytes()}. Default 0 (none).
         *
         * @param bytes 0 for none, else at least two files ({@code 2 * rollSize})
         * @return this builder
         */
        public Builder retentionBytes(long bytes) {
            this.retentionBytes = bytes;
            return this;
        }

        /**
         * The age limit; see {@link GrowLogConfig#retentionAge()}. Default none.
         *
         * @param age positive, or null for none
         * @return this builder
         */
        public Builder retentionAge(Duration age) {
            this.retentionAge = age;
            return this;
        }

        /**
         * What retention does when a cursor still needs the oldest file; see
         * {@link GrowLogConfig#retentionPolicy()}. Default {@link RetentionPolicy#BLOCK}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder retentionPolicy(RetentionPolicy policy) {
            this.retentionPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How long a cursor keeps files without a commit; see
         * {@link GrowLogConfig#cursorTimeout()}. Default 24 hours.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder cursorTimeout(Duration timeout) {
            this.cursorTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How long a sealed file may wait for its sync; see {@link GrowLogConfig#sealedSyncDelay()}.
         * Default 30 seconds.
         *
         * @param delay zero or positive
         * @return this builder
         */
        public Builder sealedSyncDelay(Duration delay) {
            this.sealedSyncDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * Size of a segment view. Records never straddle segments, so the largest payload is this
         * minus 8. Fixed when the file is created: an existing file keeps its own. Default 64 MiB.
         *
         * @param bytes a power of two from 64 KiB to 1 GiB
         * @return this builder
         */
        public Builder segmentSize(int bytes) {
            this.segmentSize = bytes;
            return this;
        }

        /**
         * Size of a new log file, rounded up to the page size. Default 1 MiB.
         *
         * @param bytes at least 4096 (the header) and at most {@link #rollSize(long)}
         * @return this builder
         */
        public Builder initialSize(long bytes) {
            this.initialSize = bytes;
            return this;
        }

        /**
         * Largest growth of the file: it doubles when it grows, by at most this. Default 256 MiB.
         *
         * @param bytes at least 4096
         * @return this builder
         */
        public Builder maxGrowthStep(long bytes) {
            this.maxGrowthStep = bytes;
            return this;
        }

        /**
         * Span of each data file: the writer rolls to a new file when the next record does not
         * fit before the end of the current file's span, so no file grows larger than this.
         * Fixed when the log is created: an existing log keeps its own. Default 256 MiB; see
         * {@link GrowLogConfig#rollSize()} for why (two segments when the segment size is over
         * 128 MiB).
         *
         * @param bytes a multiple of the segment size, at least two segments, at most 4 TiB
         * @return this builder
         */
        public Builder rollSize(long bytes) {
            this.rollSize = bytes;
            return this;
        }

        /**
         * Address space reserved after the mapping, so that it can grow in place without moving.
         * Reserving costs no memory. 0 reserves none, and every growth then moves the mapping
         * (tests use it to make moves frequent). Default 64 GiB.
         *
         * @param bytes from 0 to 64 TiB
         * @return this builder
         */
        public Builder headroom(long bytes) {
            this.headroom = bytes;
            return this;
        }

        /**
         * Checks the settings and makes the configuration.
         *
         * @return a configuration with these settings
         * @throws IllegalArgumentException when a setting is out of range, or the roll size is
         *                                  below the initial size
         */
        public GrowLogConfig build() {
            if (!FileHeader.validSegmentSize(segmentSize)) {
                throw new IllegalArgumentException("segmentSize must be a power of two from "
                        + FileHeader.MIN_SEGMENT_SIZE + " to " + FileHeader.MAX_SEGMENT_SIZE + ": " + segmentSize);
            }
            if (initialSize < FileHeader.SIZE) {
                throw new IllegalArgumentException("initialSize must be at least " + FileHeader.SIZE + ": " + initialSize);
            }
            if (maxGrowthStep < 4096) {
                throw new IllegalArgumentException("maxGrowthStep must be at least 4096: " + maxGrowthStep);
            }
            long rollSize = this.rollSize != 0 ? this.rollSize : Math.max(256 * MIB, 2L * segmentSize);
            if (!FileHeader.validSpan(rollSize, segmentSize) || rollSize < 2L * segmentSize) {
                throw new IllegalArgumentException("rollSize must be a multiple of the segment size " + segmentSize
                        + ", at least two segments and at most " + FileHeader.MAX_SPAN + ": " + rollSize);
            }
            if (rollSize < initialSize) {
                throw new IllegalArgumentException("rollSize " + rollSize + " is below initialSize " + initialSize);
            }
            if (headroom < 0 || headroom > (1L << 46)) {
                throw new IllegalArgumentException("headroom must be from 0 to 64 TiB: " + headroom);
            }
            if (syncInterval.isNegative() || syncInterval.isZero()) {
                throw new IllegalArgumentException("syncInterval must be positive: " + syncInterval);
            }
            if (pretouchAhead < 0) {
                throw new IllegalArgumentException("pretouchAhead must not be negative: " + pretouchAhead);
            }
            if (minFreeSpace < 0) {
                throw new IllegalArgumentException("minFreeSpace must not be negative: " + minFreeSpace);
            }
            if (retentionBytes < 0 || retentionBytes > 0 && retentionBytes < 2 * rollSize) {
                throw new IllegalArgumentException("retentionBytes " + retentionBytes + " is below two files of "
                        + rollSize + " bytes (rollSize): files are deleted whole, and the writer's file and the "
                        + "next one must fit; raise the budget or lower rollSize");
            }
            if (retentionAge != null && (retentionAge.isNegative() || retentionAge.isZero())) {
                throw new IllegalArgumentException("retentionAge must be positive: " + retentionAge);
            }
            if (cursorTimeout.isNegative() || cursorTimeout.isZero()) {
                throw new IllegalArgumentException("cursorTimeout must be positive: " + cursorTimeout);
            }
            if (sealedSyncDelay.isNegative()) {
                throw new IllegalArgumentException("sealedSyncDelay must not be negative: " + sealedSyncDelay);
            }
            return new GrowLogConfig(this);
        }
    }
}
