package dev.growlog;

/**
 * A damaged range of a log: {@code length} bytes from {@code position} that hold no valid
 * record, and why.
 *
 * @param position where the range starts, in bytes from the start of the file
 * @param length   the range's length in bytes
 * @param reason   why the range holds no valid record
 */
public record Damage(long position, long length, String reason) {
    @Override
    public String toString() {
        return "damage at " + position + " (" + length + " bytes): " + reason;
    }
}
