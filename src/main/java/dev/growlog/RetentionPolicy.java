package dev.growlog;

/**
 * What a log does when its disk budget or age limit says the oldest file should go while a
 * durable cursor still needs records in it.
 */
public enum RetentionPolicy {
    /**
     * Keep the file: appends that would exceed the budget fail with
     * {@link dev.growlog.error.LogFullException} (naming the cursor that holds the file) until
     * the cursor moves past it, so the input can push back. Nothing a cursor needs is lost; an
     * age limit is exceeded while the cursor lags.
     */
    BLOCK,
    /**
     * Delete the file anyway: a cursor that lagged behind is told exactly which range it lost
     * when it next reads ({@link dev.growlog.error.RecordsDroppedException}), and the log never
     * refuses an append for the sake of a cursor.
     */
    DROP_OLDEST
}
