package dev.growlog.kafka;

import dev.growlog.GrowLog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A forwarder in its own JVM for {@link KafkaForwarderCrashLoopTest}: opens the log read-only and
 * forwards it from the default cursor, committing often (every 100 ms) with a small window of
 * uncommitted records. Prints {@code started} first; with {@code drain} it stops once caught up
 * and prints {@code done} and its counters, otherwise it prints {@code acknowledged} once the
 * broker has acknowledged a first record and runs until killed.
 *
 * <p>Arguments: log, bootstrap servers, topic, {@code follow} or {@code drain}, max uncommitted records.
 */
public final class ForwarderChild {
    private ForwarderChild() {
    }

    public static void main(String[] args) throws Exception {
        KafkaForwarderConfig config = KafkaForwarderConfig.builder(args[1], args[2])
                .follow(args[3].equals("follow"))
                .maxUncommittedRecords(Integer.parseInt(args[4]))
                .commitInterval(Duration.ofMillis(100))
                .build();
        try (GrowLog log = GrowLog.openReadOnly(Path.of(args[0]))) {
            System.out.println("started");
            System.out.flush();
            KafkaForwarder forwarder = new KafkaForwarder(log, config, ForwarderListener.NONE);
            if (config.follow()) {
                Thread watcher = new Thread(() -> {
                    while (forwarder.stats().acknowledged() == 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    }
                    System.out.println("acknowledged");
                    System.out.flush();
                }, "acknowledged-watcher");
                watcher.setDaemon(true);
                watcher.start();
            }
            ForwarderStats stats = forwarder.run();
            System.out.println("done " + stats);
        }
    }
}
