/**
 * The chain of files that makes a log: opening a log directory and recovering it
 * ({@link dev.growlog.internal.chain.Opener}), rolling to the next file, retention, truncation and
 * the durable start ({@link dev.growlog.internal.chain.Chain}), repairing a whole log, finding a
 * record by position across files, the writer's and a read-only log's side of the façade
 * ({@link dev.growlog.internal.chain.LogSide}), the names in a log's directory, and the durable
 * cursors ({@link dev.growlog.internal.chain.CursorStore}).
 *
 * <p>The rule: a class belongs here when it deals with more than one file of a log, or with the
 * log's directory. It uses the one-file layer ({@code internal.file}) and everything below it,
 * {@code error}, and the API's plain values (the configuration, the reports, the damage and the
 * enums); never the API's behaviour classes ({@code GrowLog}, {@code LogReader}, {@code Tailer}),
 * which call it. Not exported.
 */
package dev.growlog.internal.chain;
