package dev.growlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Real log lines from {@code testdata/} (see its README), as record payloads. */
public final class Samples {
    static final Path APACHE = Path.of("testdata", "apache_logs");
    static final Path NGINX_JSON = Path.of("testdata", "nginxplus_json_logs");

    private static volatile List<byte[]> apache;
    private static volatile List<byte[]> nginxJson;

    private Samples() {
    }

    /** The 10,000 lines of the Apache access log sample, each as UTF-8 bytes without its newline. */
    public static List<byte[]> apache() {
        List<byte[]> lines = apache;
        if (lines == null) {
            lines = read(APACHE);
            apache = lines;
        }
        return lines;
    }

    /** The 500 JSON lines of the nginx sample, ~5.5 KiB each: records larger than a page. */
    public static List<byte[]> nginxJson() {
        List<byte[]> lines = nginxJson;
        if (lines == null) {
            lines = read(NGINX_JSON);
            nginxJson = lines;
        }
        return lines;
    }

    static List<byte[]> read(Path sample) {
        try {
            return Files.readAllLines(sample, StandardCharsets.UTF_8).stream()
                    .map(line -> line.getBytes(StandardCharsets.UTF_8)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
