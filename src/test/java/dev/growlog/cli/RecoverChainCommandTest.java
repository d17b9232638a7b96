package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code growlog recover --truncate-corrupt | --skip-corrupt} on a log of many files, with damage in sealed files. */
class RecoverChainCommandTest {
    static final long SPAN = 128 * 1024;
    static final GrowLogConfig ROLLING = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).pretouchAhead(0).build();

    @TempDir
    Path dir;

    private Path log;
    private final List<Long> positions = new ArrayList<>();

    @BeforeEach
    void writeLog() throws IOException {
        log = dir.resolve("chain.glog");
        try (GrowLog writer = GrowLog.open(log, ROLLING)) {
            for (int i = 0; i < 600; i++) {
                positions.add(writer.append(("record " + i + " ".repeat(900)).getBytes(StandardCharsets.UTF_8)));
            }
        }
        assertThat(dataFiles()).hasSizeGreaterThanOrEqualTo(4);
    }

    private List<String> dataFiles() throws IOException {
        try (Stream<Path> files = Files.list(log)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".glog")).sorted().toList();
        }
    }

    private long firstInFile(long index, int n) {
        return positions.stream().filter(p -> p / SPAN == index).skip(n).findFirst().orElseThrow();
    }

    /** Flips a bit in the payload of the record at {@code position}, in whichever file holds it. */
    private void damage(long position) throws IOException {
        Path file = log.resolve(String.format("%020d.glog", position / SPAN * SPAN));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position % SPAN + 20);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            channel.write(one, position % SPAN + 20);
        }
    }

    @Test
    void skipCorrupt_skipsDamageInEverySealedFile_andSaysInHowManyFiles() throws IOException {
        long first = firstInFile(0, 3);
        long second = firstInFile(2, 1);
        damage(first);
        damage(second);
        assertThat(Cli.in(dir).run("verify", "chain.glog").exitCode()).isEqualTo(1);

        Cli.Result skip = Cli.in(dir).run("recover", "--skip-corrupt", "chain.glog");

        assertThat(skip.exitCode()).as(skip.toString()).isZero();
        assertThat(skip.out())
                .contains("repaired " + log + ": skipped 2 damaged ranges in 2 files, kept 598 records, end ")
                .contains("skipped: damage at " + first + " (").contains("skipped: damage at " + second + " (");
        Cli.Result verify = Cli.in(dir).run("verify", "chain.glog");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains(": 598 records");
        assertThat(Cli.in(dir).run("cat", "chain.glog").out().lines().count()).isEqualTo(598);
    }

    @Test
    void truncateCorrupt_cutsInTheSealedFile_deletesTheLaterFiles_andSaysSo() throws IOException {
        long cut = firstInFile(1, 4);
        damage(cut);
        int files = dataFiles().size();

        Cli.Result truncate = Cli.in(dir).run("recover", "--truncate-corrupt", "chain.glog");

        long kept = positions.stream().filter(p -> p < cut).count();
        assertThat(truncate.exitCode()).as(truncate.toString()).isZero();
        assertThat(truncate.out()).contains("repaired " + log + ": cut the log at " + cut + " (first damage): kept "
                        + kept + " records, dropped " + (600 - kept - 1) + " valid records after it and deleted "
                        + (files - 2) + " files; 1 damaged range")
                .contains("dropped: damage at " + cut + " (")
                .contains("dropped: " + (600 - kept - 1) + " valid records after position " + cut);
        assertThat(dataFiles()).hasSize(2);
        assertThat(Cli.in(dir).run("verify", "chain.glog").exitCode()).isZero();
        assertThat(Cli.in(dir).run("cat", "chain.glog").out().lines().count()).isEqualTo(kept);
    }
}
