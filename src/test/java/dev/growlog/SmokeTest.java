package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void roundTrip() throws Exception {
        Path f = dir.resolve("a.glog");
        GrowLogConfig cfg = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192).headroom(0).build();
        long p0;
        try (GrowLog log = GrowLog.open(f, cfg)) {
            p0 = log.append("hello".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 10000; i++) {
                log.append(("record " + i).getBytes(StandardCharsets.UTF_8));
            }
            System.out.println(log.stats());
            assertThat(new String(log.read(p0), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
        try (GrowLog log = GrowLog.open(f, cfg)) {
            System.out.println(log.recoveryReport().summary());
            System.out.println(log.stats());
            int n = 0;
            try (LogReader r = log.reader(log.startPosition())) {
                while (r.next()) n++;
            }
            assertThat(n).isEqualTo(10001);
        }
    }
}
