package dev.growlog.internal.chain;

/**
 * A cursor as stored: where its owner got to, and when it last said so.
 *
 * @param name             the cursor's name
 * @param position         the committed log position, in bytes; at least 0, a multiple of 8
 * @param lastCommitMillis when the position was last written, in milliseconds since the epoch
 */
public record CursorState(String name, long position, long lastCommitMillis) {
}
