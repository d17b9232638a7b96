/**
 * growlog's public API: an append-only log in a directory of memory-mapped files that grow while
 * they are mapped. Start at {@link dev.growlog.GrowLog}; its exceptions are in
 * {@link dev.growlog.error}.
 *
 * <p>The rule: this package holds what users touch, the log and its readers, tailers, cursors,
 * batches, configuration, stats and reports, plus the few package-private helpers that only build
 * them. The engine lies under it, not exported: the chain of files in
 * {@code dev.growlog.internal.chain}, one growable file in {@code dev.growlog.internal.file}, and
 * recovery, format, mapping and native calls below those.
 */
package dev.growlog;
