package dev.growlog.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;

/**
 * Inputs that a stop request ({@link Context#requestStop()}) ends: once a stop was requested,
 * every read throws {@link InputStoppedException}, so that a command appends the whole records it
 * has already read, closes its log and reports, instead of reading on.
 *
 * <p>A file is read on the caller's thread and checked before each read. Standard input may be a
 * pipe or a terminal whose writer has gone quiet, and a thread blocked in {@code read()} on it
 * cannot be woken (closing the descriptor does not end a read in progress); so {@link #stdin}
 * reads it on a daemon thread and hands chunks over, and a stop request wakes the reader at once.
 *
 * <p>NOTE: after a stop that daemon thread stays blocked in {@code read()} until the process
 * exits; input that arrives in the meantime may be consumed from the pipe and not appended.
 */
final class StoppableInput {
    /** Bytes read from stdin at a time. */
    private static final int CHUNK = 1 << 16;

    private StoppableInput() {
    }

    /** {@code in}, read on the caller's thread, ended by a stop request before its next read. */
    static InputStream of(InputStream in, Context context) {
        return new Checked(in, context);
    }

    /** The context's standard input, read on its own thread so that a stop request ends a waiting read. */
    static InputStream stdin(Context context) {
        return new Pumped(context.in(), context);
    }

    private static final class Checked extends InputStream {
        private final InputStream in;
        private final Context context;

        Checked(InputStream in, Context context) {
            this.in = Objects.requireNonNull(in, "in");
            this.context = context;
        }

        @Override
        public int read() throws IOException {
            checkStop();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkStop();
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private void checkStop() throws InputStoppedException {
            if (context.stopRequested()) {
                throw new InputStoppedException();
            }
        }
    }

    /**
     * A pump thread reads into one of two buffers while the consumer copies out of the other;
     * {@link #lock} guards the hand-over. Neither side holds the lock while it blocks in a
     * read or waits, and the stop action only takes it to set a flag and wake both.
     */
    private static final class Pumped extends InputStream {
        private final InputStream source;
        private final Context context;
        private final Object lock = new Object();
        /** The chunk handed over and not yet consumed, or null; guarded by {@link #lock}. */
        private byte[] chunk;
        /** Unread bytes of {@link #chunk} lie in [pos, end); guarded by {@link #lock}. */
        private int pos;
        private int end;
        /** The source ended, or failed with {@link #failure}; guarded by {@link #lock}. */
        private boolean eof;
        private IOException failure;
        /** A stop was requested; guarded by {@link #lock}. */
        private boolean stopped;
        /** Started by the first read; guarded by {@link #lock}. */
        private Thread pump;

        Pumped(InputStream source, Context context) {
            this.source = Objects.requireNonNull(source, "source");
            this.context = context;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            synchronized (lock) {
                start();
                try {
                    while (chunk == null && !eof && !stopped) {
                        lock.wait();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for stdin");
                }
                if (stopped) {
                    throw new InputStoppedException();
                }
                if (chunk == null) {
                    if (failure != null) {
                        throw new IOException("reading stdin failed: " + failure.getMessage(), failure);
                    }
                    return -1;
                }
                int n = Math.min(len, end - pos);
                System.arraycopy(chunk, pos, b, off, n);
                pos += n;
                if (pos == end) {
                    chunk = null;
                    lock.notifyAll();
                }
                return n;
            }
        }

        @Override
        public int available() {
            synchronized (lock) {
                return chunk == null || stopped ? 0 : end - pos;
            }
        }

        /** Stdin belongs to the process: closing this leaves it open. */
        @Override
        public void close() {
            // nothing: the pump ends with the input or the process
        }

        /** Under {@link #lock}: starts the pump and lets a stop request wake both sides. */
        private void start() {
            if (pump != null) {
                return;
            }
            pump = new Thread(this::pump, "growlog-stdin");
            pump.setDaemon(true);
            pump.start();
            context.onStop(() -> {
                synchronized (lock) {
                    stopped = true;
                    lock.notifyAll();
                }
            });
        }

        /**
         * The pump thread: reads chunks and hands each over once the previous one is consumed. It
         * reads into the buffer not handed over, so the consumer never sees a buffer being filled.
         */
        private void pump() {
            byte[][] buffers = {new byte[CHUNK], new byte[CHUNK]};
            int next = 0;
            while (true) {
                byte[] buffer = buffers[next];
                int n;
                IOException error = null;
                try {
                    n = source.read(buffer, 0, buffer.length);
                } catch (IOException e) {
                    n = -1;
                    error = e;
                }
                synchronized (lock) {
                    try {
                        while (chunk != null && !stopped) {
                            lock.wait();
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (stopped) {
                        return;
                    }
                    if (n < 0) {
                        eof = true;
                        failure = error;
                        lock.notifyAll();
                        return;
                    }
                    if (n > 0) {
                        chunk = buffer;
                        pos = 0;
                        end = n;
                        next ^= 1;
                        lock.notifyAll();
                    }
                }
            }
        }
    }
}
