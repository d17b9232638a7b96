package dev.growlog.bench;

import dev.growlog.GrowLog;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that appends to a log at a fixed rate until stopped, catching up in bursts every
 * {@value #TICK_NANOS} ns (it parks in between, so it takes only the CPU its appends need).
 */
final class BackgroundWriter implements AutoCloseable {
    private static final long TICK_NANOS = 100_000;

    private final GrowLog log;
    private final byte[] payload;
    private final long recordsPerSecond;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** Records appended so far; written by the writer thread only. */
    private volatile long appended;
    private long startNanos;
    private long stopNanos;

    BackgroundWriter(GrowLog log, byte[] payload, long recordsPerSecond) {
        this.log = log;
        this.payload = payload;
        this.recordsPerSecond = recordsPerSecond;
        this.thread = new Thread(this::run, "background-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        startNanos = System.nanoTime();
        thread.start();
    }

    private void run() {
        long count = 0;
        try {
            while (running) {
                long due = (long) ((System.nanoTime() - startNanos) * (recordsPerSecond / 1e9));
                for (; count < due && running; count++) {
                    log.append(payload);
                }
                appended = count;
                LockSupport.parkNanos(TICK_NANOS);
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        appended = count;
    }

    /** Records appended so far. */
    long appended() {
        return appended;
    }

    /** Records appended per second since {@link #start()}. */
    double achievedRate() {
        long end = stopNanos != 0 ? stopNanos : System.nanoTime();
        return appended / ((end - startNanos) / 1e9);
    }

    /** Stops the thread; rethrows what stopped it early, if anything. */
    @Override
    public void close() throws IOException {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopNanos = System.nanoTime();
        if (failure != null) {
            throw new IOException("background writer failed", failure);
        }
    }
}
