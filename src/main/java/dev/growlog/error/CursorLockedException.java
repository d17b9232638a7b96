package dev.growlog.error;

import java.nio.file.Path;

/**
 * Another owner, in this process or another, holds the cursor: a cursor has one owner at a
 * time, and changing or deleting it needs that ownership too.
 */
public class CursorLockedException extends GrowLogException {
    private static final long serialVersionUID = 1L;

    /** The cursor's name. */
    private final String cursor;

    /**
     * Makes the exception; its message names the cursor and its file.
     *
     * @param file   the cursor's file
     * @param cursor the cursor's name
     */
    public CursorLockedException(Path file, String cursor) {
        super(file, "cursor '" + cursor + "' is owned by another holder, in this process or another (file "
                + file + "); close that owner first");
        this.cursor = cursor;
    }

    /**
     * The cursor another owner holds.
     *
     * @return the cursor's name
     */
    public String cursor() {
        return cursor;
    }
}
