package dev.growlog.bench;

/**
 * JVM options for the benchmark forks, as constants because annotations need them.
 *
 * <p>{@link #NATIVE_ACCESS}: jffi (under jnr-ffi) loads its stub with {@code System.load};
 * JDK 22+ warns unless native access is enabled.
 *
 * <p>The {@code CQ_} options are the ones Chronicle Queue 2026.4 asks for on JDK 17: without
 * {@code sun.nio.ch} and {@code java.lang.reflect} opened it cannot map its files
 * ({@code IllegalAccessException: member is private: sun.nio.ch.FileChannelImpl.map0}); without
 * {@code jdk.internal.ref} exported it warns that it cannot free direct buffers. The last one
 * keeps it from trying to send usage analytics.
 */
final class JvmArgs {
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String CQ_OPEN_NIO = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String CQ_OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String CQ_EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String CQ_NO_ANALYTICS = "-Dchronicle.analytics.disable=true";

    private JvmArgs() {
    }
}
