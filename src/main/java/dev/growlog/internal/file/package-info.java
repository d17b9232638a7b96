/**
 * One data file of a log, growing while it is mapped: its writer and growth
 * ({@link dev.growlog.internal.file.Appender}), sync and checkpoint, pretoucher, opening and
 * recovery ({@link dev.growlog.internal.file.FileOpener}), repair, and following it read-only;
 * with what every file of a log shares: the lock order, the writer's failure state and the disk
 * budget its growth asks first.
 *
 * <p>The rule: a class belongs here when it works on one file and knows nothing of the files
 * around it. It uses {@code internal.recovery}, {@code internal.format}, {@code internal.mapping},
 * {@code internal.nativeio}, {@code error} and the API's plain values (the configuration, the
 * reports); never the chain ({@code internal.chain}) or the API's behaviour classes. Not exported.
 */
package dev.growlog.internal.file;
