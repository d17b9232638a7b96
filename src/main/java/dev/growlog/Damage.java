package dev.growlog;

/**
 * A damaged range of a log: {@code length} bytes from {@code position} that hold no valid
 * record, and why.
 */
public record Damage(long position, long length, String reason) {
    @Override
    public String toString() {
        return "damage at " + position + " (" + length + " bytes): " + reason;
    }
}
