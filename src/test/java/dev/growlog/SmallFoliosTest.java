package dev.growlog;

import dev.growlog.error.NativeCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With small folios on, the writer's whole mapping carries {@code MADV_RANDOM} (the kernel shows
 * it as the {@code rr} flag in {@code /proc/self/smaps}) from open on, after every growth in
 * place and after every move, and the mapping stays one piece; with it off, or on a read-only
 * log, the mapping is never advised.
 */
class SmallFoliosTest {
    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    private static GrowLogConfig.Builder tiny() {
        return GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(4096).maxGrowthStep(SEGMENT)
                .pretouchAhead(0); // growth exactly when appends need it
    }

    @Test
    void smallFolios_followsTheDurabilityPolicy_unlessSet() {
        assertThat(GrowLogConfig.defaults().smallFolios()).isFalse();
        assertThat(GrowLogConfig.builder().durability(Durability.INTERVAL).build().smallFolios()).isTrue();
        assertThat(GrowLogConfig.builder().durability(Durability.EVERY_APPEND).build().smallFolios()).isTrue();
        assertThat(GrowLogConfig.builder().durability(Durability.INTERVAL).smallFolios(false).build().smallFolios())
                .isFalse();
        assertThat(GrowLogConfig.builder().smallFolios(true).build().smallFolios()).isTrue();
    }

    @Test
    void growthInPlace_keepsTheWholeMappingAdvised_inOnePiece() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("in-place.glog"), tiny().smallFolios(true).build())) {
            assertAdvised(log, true);
            growSeveralTimes(log);
            assertThat(log.stats().inPlaceGrowths()).isGreaterThan(3).isEqualTo(log.stats().growths());
            assertAdvised(log, true);
        }
    }

    @Test
    void aMove_advisesTheNewMapping() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("moves.glog"), tiny().headroom(0).smallFolios(true).build())) {
            growSeveralTimes(log);
            assertThat(log.stats().moves()).isGreaterThan(3);
            assertAdvised(log, true);
        }
    }

    @Test
    void eachGrowthAndMove_advisesExactlyTheWholeMapping() throws IOException {
        List<long[]> advice = new ArrayList<>();
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public void adviseRandom(Path file, long address, long length) throws NativeCallException {
                advice.add(new long[] {address, length});
                super.adviseRandom(file, address, length);
            }
        };
        GrowLogConfig config = tiny().headroom(0).smallFolios(true).build();
        try (GrowLog log = GrowLog.open(dir.resolve("calls.glog"), config, sys)) {
            assertThat(advice).as("advice at open").hasSize(1);
            assertThat(advice.get(0)[1]).isEqualTo(log.stats().mappedSize());
            growSeveralTimes(log);
            GrowLogStats stats = log.stats();
            assertThat(advice).as("advice: once at open, then once per growth").hasSize(1 + (int) stats.growths());
            assertThat(advice.get(advice.size() - 1)[1]).as("the last advice covers the whole mapping")
                    .isEqualTo(stats.mappedSize());
            assertThat(mappingsOf(LogFiles.dataFile(log, 0))).singleElement()
                    .satisfies(m -> assertThat(m.start()).isEqualTo(advice.get(advice.size() - 1)[0]));
        }
    }

    @Test
    void withoutSmallFolios_andOnAReadOnlyLog_theMappingIsNotAdvised() throws IOException {
        Path file = dir.resolve("plain.glog");
        try (GrowLog log = GrowLog.open(file, tiny().build())) {
            growSeveralTimes(log);
            assertAdvised(log, false);
        }
        try (GrowLog writer = GrowLog.open(file, tiny().durability(Durability.INTERVAL).build())) {
            assertAdvised(writer, true);
            try (GrowLog reader = GrowLog.openReadOnly(file)) {
                assertThat(reader.endPosition()).isEqualTo(writer.endPosition());
                assertThat(mappingsOf(LogFiles.first(file))).as("the writer's and the reader's mapping").hasSize(2)
                        .filteredOn(Mapping::randomAccess).hasSize(1);
            }
        }
    }

    private static void growSeveralTimes(GrowLog log) throws IOException {
        byte[] payload = new byte[1000];
        while (log.stats().fileSize() < 8L * SEGMENT) {
            log.append(payload);
        }
    }

    /** The log's mapping is one piece covering the mapped size, advised or not as expected. */
    private static void assertAdvised(GrowLog log, boolean advised) throws IOException {
        List<Mapping> mappings = mappingsOf(LogFiles.dataFile(log, 0));
        assertThat(mappings).as("mappings of %s", log.directory()).hasSize(1);
        assertThat(mappings.get(0).length()).as("one piece over the whole mapping").isEqualTo(log.stats().mappedSize());
        assertThat(mappings.get(0).randomAccess()).as("MADV_RANDOM (rr) on the mapping").isEqualTo(advised);
    }

    /** One mapping of a file as /proc/self/smaps shows it. */
    private record Mapping(long start, long length, boolean randomAccess) {
    }

    private static List<Mapping> mappingsOf(Path file) throws IOException {
        List<Mapping> found = new ArrayList<>();
        Mapping current = null;
        String name = file.toAbsolutePath().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                current = null;
                if (line.endsWith(" " + name)) {
                    String[] range = line.substring(0, line.indexOf(' ')).split("-");
                    long start = Long.parseUnsignedLong(range[0], 16);
                    current = new Mapping(start, Long.parseUnsignedLong(range[1], 16) - start, false);
                }
            } else if (current != null && line.startsWith("VmFlags:")) {
                List<String> flags = List.of(line.substring("VmFlags:".length()).trim().split("\\s+"));
                found.add(new Mapping(current.start(), current.length(), flags.contains("rr")));
                current = null;
            }
        }
        return found;
    }
}
