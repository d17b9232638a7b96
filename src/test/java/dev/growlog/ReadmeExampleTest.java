package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's usage example is a complete program: it must compile as shown, with no warning,
 * and run.
 */
class ReadmeExampleTest {
    private static final Path README = Path.of("README.md");
    /** The first Java block after the "Use it" heading. */
    private static final Pattern EXAMPLE = Pattern.compile("\n## Use it\n.*?\n```java\n(.*?)\n```\n", Pattern.DOTALL);
    /** The Java block under the "Cursors" heading: a shipper. */
    private static final Pattern SHIPPER = Pattern.compile("\n## Cursors: consumers that resume\n.*?\n```java\n(.*?)\n```\n",
            Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("^public class (\\w+)", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void useItExample_compilesWithoutWarnings_andRunsInAnEmptyDirectory() throws Exception {
        Matcher example = EXAMPLE.matcher(Files.readString(README, StandardCharsets.UTF_8));
        assertThat(example.find()).as("a ```java block under \"## Use it\" in " + README).isTrue();
        String source = example.group(1) + "\n";
        Matcher className = CLASS_NAME.matcher(source);
        assertThat(className.find()).as("a public class in the example").isTrue();

        Path classes = dir.resolve("classes");
        JavaSources.Compiled compiled = JavaSources.compile(dir.resolve("src"), classes,
                List.of("--class-path", System.getProperty("java.class.path"), "-Xlint:all", "-Werror"),
                Map.of(className.group(1) + ".java", source));
        assertThat(compiled.success()).as(compiled.diagnostics()).isTrue();

        Path workDir = Files.createDirectory(dir.resolve("work"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The launch flags this JVM got from the build, which are the ones the README gives.
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--class-path",
                classes + File.pathSeparator + System.getProperty("java.class.path"), className.group(1)));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the example finishes within 60 s").isTrue();

        assertThat(process.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readString(out)).isEqualTo("read hello\n4096: hello\n");
        assertThat(Files.readString(err)).isEmpty();
        assertThat(workDir.resolve("events.glog")).isDirectory();
        assertThat(workDir.resolve("events.glog").resolve("00000000000000000000.glog")).isRegularFile();
    }

    /** The shipper example compiles and ships every record of a log once, resuming from its cursor. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shipperExample_compilesWithoutWarnings_andResumesWhereItCommitted() throws Exception {
        Matcher example = SHIPPER.matcher(Files.readString(README, StandardCharsets.UTF_8));
        assertThat(example.find()).as("a ```java block under \"## Cursors: consumers that resume\"").isTrue();
        String source = example.group(1) + "\n";
        Matcher className = CLASS_NAME.matcher(source);
        assertThat(className.find()).as("a public class in the example").isTrue();
        Path classes = dir.resolve("classes");
        JavaSources.Compiled compiled = JavaSources.compile(dir.resolve("src"), classes,
                List.of("--class-path", System.getProperty("java.class.path"), "-Xlint:all", "-Werror"),
                Map.of(className.group(1) + ".java", source));
        assertThat(compiled.success()).as(compiled.diagnostics()).isTrue();

        Path log = dir.resolve("events.glog");
        try (GrowLog writer = GrowLog.open(log)) {
            writer.append("one".getBytes(StandardCharsets.UTF_8));
            writer.append("two".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(run(classes, className.group(1), log)).isEqualTo("one\ntwo\n");
        try (GrowLog writer = GrowLog.open(log)) {
            writer.append("three".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(run(classes, className.group(1), log)).as("the second run resumes at its commit")
                .isEqualTo("three\n");
    }

    private String run(Path classes, String className, Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--class-path",
                classes + File.pathSeparator + System.getProperty("java.class.path"), className, log.toString()));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the example finishes within 60 s").isTrue();
        assertThat(process.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readString(err)).isEmpty();
        return Files.readString(out);
    }
}
