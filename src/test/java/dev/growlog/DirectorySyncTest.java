package dev.growlog;

import dev.growlog.error.NativeCallException;
import dev.growlog.internal.chain.ChainRepairer;
import dev.growlog.internal.chain.CursorStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A name made or removed in a log's directories survives a power loss only once the directory
 * is fsynced. Each test changes the directory's names through the public API and then checks
 * that the last directory sync saw them as they are now: the sync came after the change, before
 * the call that made it returned. Temporary (dot-prefixed) names need no sync and are left out.
 */
class DirectorySyncTest {
    /** No background retirement during a test: only the calls under test sync. */
    private static final GrowLogConfig ROLLING = GrowLogConfig.builder().segmentSize(64 * 1024)
            .rollSize(ChainTest.SPAN).initialSize(8192).maxGrowthStep(64 * 1024).pretouchAhead(0)
            .sealedSyncDelay(Duration.ofHours(1)).build();

    @TempDir
    Path dir;

    /** Remembers, for each directory synced, the names in it right after its last sync. */
    static final class RecordingSyncs extends ForwardingSyscalls {
        private final Map<Path, Set<String>> synced = new ConcurrentHashMap<>();

        @Override
        public void syncDirectory(Path directory) throws NativeCallException {
            super.syncDirectory(directory);
            synced.put(directory.toAbsolutePath().normalize(), names(directory));
        }

        /** The names the last sync of {@code directory} saw; empty when it was never synced. */
        Set<String> lastSynced(Path directory) {
            return synced.getOrDefault(directory.toAbsolutePath().normalize(), Set.of());
        }
    }

    static Set<String> names(Path directory) {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(names::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static void appendUntilFile(GrowLog log, long index) throws IOException {
        for (int i = 0; log.endPosition() < index * ChainTest.SPAN; i++) {
            log.append(Payloads.numbered(i, 1000));
        }
    }

    @Test
    void aSync_afterARoll_hasSyncedTheNewFilesName() throws IOException {
        RecordingSyncs sys = new RecordingSyncs();
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, ROLLING, sys)) {
            appendUntilFile(log, 2);
            log.sync();
            assertThat(sys.lastSynced(path)).as("after sync()").isEqualTo(names(path)).contains(
                    LogFiles.dataFile(path, 2, ChainTest.SPAN).getFileName().toString());
        }
    }

    @Test
    void close_afterARollNoSyncFollowed_syncsTheDirectory() throws IOException {
        RecordingSyncs sys = new RecordingSyncs();
        Path path = dir.resolve("log");
        GrowLog log = GrowLog.open(path, ROLLING, sys);
        appendUntilFile(log, 1);
        assertThat(sys.lastSynced(path)).as("the new file's name, not yet synced")
                .doesNotContain(LogFiles.dataFile(path, 1, ChainTest.SPAN).getFileName().toString());

        log.close();

        assertThat(sys.lastSynced(path)).as("after close()").isEqualTo(names(path))
                .contains(LogFiles.dataFile(path, 1, ChainTest.SPAN).getFileName().toString());
    }

    @Test
    void truncateBefore_thatDeletesFiles_syncsTheDirectoryBeforeItReturns() throws IOException {
        RecordingSyncs sys = new RecordingSyncs();
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, ROLLING, sys)) {
            appendUntilFile(log, 3);
            log.sync(); // nothing left for a later sync to catch up on

            log.truncateBefore(2 * ChainTest.SPAN + 4096);

            assertThat(names(path)).as("files 0 and 1 are gone")
                    .doesNotContain(LogFiles.dataFile(path, 0, ChainTest.SPAN).getFileName().toString(),
                            LogFiles.dataFile(path, 1, ChainTest.SPAN).getFileName().toString());
            assertThat(sys.lastSynced(path)).as("after truncateBefore()").isEqualTo(names(path));
        }
    }

    @Test
    void aCursorsFile_andItsDeletion_areSyncedBeforeTheCallsReturn() throws IOException {
        RecordingSyncs sys = new RecordingSyncs();
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, ROLLING, sys)) {
            Path cursors = path.resolve(CursorStore.DIRECTORY);
            try (Cursor cursor = log.cursor("reader")) {
                cursor.commit(log.append(new byte[10]));
            }
            assertThat(sys.lastSynced(path)).as("the log's directory, with the cursors' directory in it")
                    .isEqualTo(names(path)).contains(CursorStore.DIRECTORY);
            assertThat(sys.lastSynced(cursors)).as("the cursors' directory, with the new cursor's file")
                    .isEqualTo(names(cursors)).isNotEmpty();

            assertThat(CursorStore.of(path, log.chain().logId(), sys).delete("reader")).isTrue();

            assertThat(names(cursors)).isEmpty();
            assertThat(sys.lastSynced(cursors)).as("after the cursor's deletion").isEmpty();
        }
    }

    @Test
    void open_ofANewLog_syncsTheDirectoryWithItsFirstFile() throws IOException {
        RecordingSyncs sys = new RecordingSyncs();
        Path path = dir.resolve("log");
        GrowLog log = GrowLog.open(path, ROLLING, sys);
        Set<String> synced = sys.lastSynced(path);
        Set<String> present = names(path);
        log.close();
        assertThat(synced).isEqualTo(present)
                .contains(LogFiles.dataFile(path, 0, ChainTest.SPAN).getFileName().toString());
    }

    @Test
    void repair_thatMakesAMissingFileAgain_orDeletesFiles_syncsTheDirectory() throws IOException {
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            appendUntilFile(log, 3);
        }
        Path missing = LogFiles.dataFile(path, 1, ChainTest.SPAN);
        Files.delete(missing);
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(path)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }

        RecordingSyncs skip = new RecordingSyncs();
        ChainRepairer.repair(path, RepairMode.SKIP, ChainRepairer.Steps.NONE, skip);
        assertThat(names(path)).as("the missing file, made again").contains(missing.getFileName().toString());
        assertThat(skip.lastSynced(path)).as("after a repair that made a file").isEqualTo(names(path));

        RecordingSyncs truncate = new RecordingSyncs();
        ChainRepairer.repair(copy, RepairMode.TRUNCATE, ChainRepairer.Steps.NONE, truncate);
        assertThat(names(copy)).as("the files after the gap, deleted")
                .doesNotContain(LogFiles.dataFile(copy, 2, ChainTest.SPAN).getFileName().toString());
        assertThat(truncate.lastSynced(copy)).as("after a repair that deleted files").isEqualTo(names(copy));
    }
}
