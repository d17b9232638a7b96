package dev.growlog;

import java.time.Instant;

/**
 * A durable cursor as stored, read without owning it: see {@link GrowLog#cursors()}.
 *
 * @param name       the cursor's name
 * @param position   where its consumer resumes
 * @param lastCommit when it was last committed or moved
 * @param lag        bytes of the log between {@code position} and the end position when the list
 *                   was made (0 when the cursor is at the end)
 */
public record CursorInfo(String name, long position, Instant lastCommit, long lag) {
}
