package dev.growlog.kafka;

import java.io.IOException;

/**
 * Runs {@code kafka.Kafka} in a child JVM for {@link KafkaBroker}, and ends it when the test JVM
 * that started it goes away: its stdin is a pipe from that JVM, so end of input means the parent
 * is gone (even after kill -9), and no broker outlives its test run.
 *
 * <p>Arguments: the broker's {@code server.properties}, and on the first start a cluster id: the
 * storage is then formatted first, in this JVM ({@code kafka.tools.StorageTool format
 * --standalone}), which saves a JVM start of its own.
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
        if (args.length > 1) {
            int exit = kafka.tools.StorageTool.execute(
                    new String[] {"format", "--standalone", "-t", args[1], "-c", args[0]}, System.out);
            if (exit != 0) {
                System.out.println("formatting the broker's storage failed: exit code " + exit);
                System.exit(exit);
            }
        }
        kafka.Kafka.main(new String[] {args[0]});
    }
}
