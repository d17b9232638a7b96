package dev.growlog.kafka;

import java.io.IOException;

/**
 * Runs {@code kafka.Kafka} in a child JVM for {@link KafkaBroker}, and ends it when the test JVM
 * that started it goes away: its stdin is a pipe from that JVM, so end of input means the parent
 * is gone (even after kill -9), and no broker outlives its test run.
 *
 * <p>Arguments: the broker's {@code server.properties}.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; wait for the end of the pipe
                }
            } catch (IOException e) {
                // the pipe broke: the parent is gone
            }
            System.exit(0); // runs the broker's own shutdown hook
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(args);
    }
}
