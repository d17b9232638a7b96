package dev.growlog;

/** When appended records become durable without an explicit {@link GrowLog#sync()}. */
public enum Durability {
    /** Only when the caller syncs ({@link GrowLog#sync()}, {@link GrowLog#appendDurable(byte[])}) or closes. */
    NONE,
    /** Every append returns only once it is durable; concurrent appenders share syncs (group commit). */
    EVERY_APPEND,
    /** A background thread syncs every {@link GrowLogConfig#syncInterval()} while there is something new. */
    INTERVAL
}
