/**
 * growlog: an append-only log in one file that grows while it is memory-mapped.
 *
 * <p>The API is {@link dev.growlog} (start at {@link dev.growlog.GrowLog}); its exceptions are
 * in {@link dev.growlog.error}. {@link dev.growlog.kafka} forwards a log to Apache Kafka; it needs
 * {@code kafka-clients}, an optional dependency. Everything else is internal and not exported.
 *
 * <p>jffi, under jnr-ffi, loads its native stub with {@code System.load}: from JDK 24 on, allow
 * it with {@code --enable-native-access=org.jnrproject.jffi}, or the JVM warns.
 */
// jnr-ffi and jffi are automatic modules: there is no other way to depend on them.
@SuppressWarnings("requires-automatic")
module dev.growlog {
    requires org.jnrproject.ffi;
    requires org.jnrproject.jffi;
    // jnr-ffi generates its bindings with ASM but, as an automatic module, cannot say so.
    requires org.objectweb.asm;
    requires com.github.benmanes.caffeine;

    // The command-line tool only (dev.growlog.cli): picocli, and the JVM's load for bench.
    // Bench's HdrHistogram has no stable module name; the tool reads it from the class path.
    requires static info.picocli;
    requires static java.management;
    // The Kafka forwarder only (dev.growlog.kafka, growlog forward). kafka-clients names no module:
    // its name comes from the jar's file name.
    requires static kafka.clients;

    exports dev.growlog;
    exports dev.growlog.error;
    exports dev.growlog.kafka;

    // jnr-ffi defines its LibC implementation in the unnamed module of a class loader of its
    // own; only an unqualified export or opening reaches that. Opened (no compile-time access)
    // and holding nothing but the interface, it gives no access to the log.
    opens dev.growlog.internal.nativeio.libc;

    // picocli fills the commands' annotated fields by reflection.
    opens dev.growlog.cli to info.picocli;
}
