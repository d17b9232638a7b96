package dev.growlog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the damaged logs in {@code testdata/fixtures/}; {@link FixtureTest} checks what opening
 * each must do, and {@code testdata/fixtures/README.md} says how each was made and how to run
 * this (the file ids, which are random, change; nothing else does).
 *
 * Every fixture log has 64 KiB segments, an 8 KiB file, and records whose payloads are
 * {@link #payload(int) "fixture record NN"} (17 bytes, so each record takes 32 bytes and record
 * {@code i} lies at {@code 4096 + 32 * i}).
 */
public final class FixtureWriter {
    static final GrowLogConfig CONFIG = GrowLogConfig.builder()
            .segmentSize(64 * 1024).initialSize(8192).maxGrowthStep(64 * 1024).build();
    /** Records in torn-tail.glog and corrupt-middle.glog. */
    static final int RECORDS = 10;
    /** Records in newer-version.glog. */
    static final int NEWER_RECORDS = 3;
    /** The record of corrupt-middle.glog whose payload is damaged. */
    static final int CORRUPT_RECORD = 5;

    static final String TORN_TAIL = "torn-tail.glog";
    static final String CORRUPT_MIDDLE = "corrupt-middle.glog";
    static final String NEWER_VERSION = "newer-version.glog";
    static final String NOT_A_LOG = "not-a-log.txt";
    /** Written by format version 1, kept as it was: this version cannot make it. */
    static final String FORMAT_1 = "format-1.glog";

    private FixtureWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "testdata/fixtures");
        writeAll(dir);
        System.out.println("fixtures written to " + dir.toAbsolutePath());
    }

    static byte[] payload(int i) {
        return String.format("fixture record %02d", i).getBytes(StandardCharsets.US_ASCII);
    }

    static long position(int i) {
        return LogFiles.HEADER_SIZE + 32L * i;
    }

    static void writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        tornTail(dir.resolve(TORN_TAIL));
        corruptMiddle(dir.resolve(CORRUPT_MIDDLE));
        newerVersion(dir.resolve(NEWER_VERSION));
        Files.writeString(dir.resolve(NOT_A_LOG), "This is a plain text file, not a growlog log.\n",
                StandardCharsets.US_ASCII);
    }

    /**
     * The file as a writer killed after appending {@link #RECORDS} records leaves it (copied while
     * the log is open: not shut down cleanly, checkpoint at the first record), with the last byte
     * of the last record's payload flipped, as if its page was only partly written.
     */
    static void tornTail(Path target) throws IOException {
        Path live = Files.createTempFile(target.getParent(), ".torn-tail", ".glog");
        Files.delete(live);
        try (GrowLog log = GrowLog.open(live, CONFIG)) {
            for (int i = 0; i < RECORDS; i++) {
                log.append(payload(i));
            }
            if (Files.exists(target)) {
                LogFiles.delete(target);
            }
            LogFiles.copy(live, target);
        } finally {
            if (Files.exists(live)) {
                LogFiles.delete(live);
            }
        }
        LogFiles.flipByte(target, position(RECORDS - 1) + LogFiles.RECORD_HEADER + payload(0).length - 1);
    }

    /** {@link #RECORDS} records, closed cleanly, then one payload byte of record {@link #CORRUPT_RECORD} flipped. */
    static void corruptMiddle(Path target) throws IOException {
        write(target, RECORDS);
        LogFiles.flipByte(target, position(CORRUPT_RECORD) + LogFiles.RECORD_HEADER);
    }

    /** {@link #NEWER_RECORDS} records, closed cleanly, then the version set to 3 with a matching header checksum. */
    static void newerVersion(Path target) throws IOException {
        write(target, NEWER_RECORDS);
        LogFiles.setVersion(target, 3);
    }

    private static void write(Path target, int records) throws IOException {
        if (Files.exists(target)) {
            LogFiles.delete(target);
        }
        try (GrowLog log = GrowLog.open(target, CONFIG)) {
            for (int i = 0; i < records; i++) {
                log.append(payload(i));
            }
        }
        Files.delete(target.resolve("lock")); // only the data file is checked in
    }
}
