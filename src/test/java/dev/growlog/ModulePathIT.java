package dev.growlog;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Uses the packaged library jar as an application would: on the module path, from a module
 * that requires {@code dev.growlog}, and on the class path. Each program is compiled here and
 * run in a child JVM with the launch flags the README gives, and must print no warning.
 * Runs in the integration-test phase ({@code mvn verify}), after the jar is packaged.
 */
class ModulePathIT {
    /** An application's program; on the module path its module is {@link #MODULE_INFO}. */
    private static final String PROGRAM = """
            package example;

            import dev.growlog.GrowLog;
            import dev.growlog.LogReader;

            import java.nio.charset.StandardCharsets;
            import java.nio.file.Path;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    try (GrowLog log = GrowLog.open(Path.of(args[0]))) {
                        long position = log.append("hello".getBytes(StandardCharsets.UTF_8));
                        log.sync();
                        System.out.println("read " + new String(log.read(position), StandardCharsets.UTF_8));
                        try (LogReader reader = log.reader(log.startPosition())) {
                            while (reader.next()) {
                                System.out.println("record at " + reader.position() + ": "
                                        + StandardCharsets.UTF_8.decode(reader.payload()));
                            }
                        }
                    }
                    System.out.println("library module " + GrowLog.class.getModule().getName());
                    try {
                        Class.forName("dev.growlog.internal.nativeio.Syscalls").getMethod("libc").invoke(null);
                        System.out.println("internals reachable");
                    } catch (IllegalAccessException e) {
                        System.out.println("internals refused");
                    }
                }
            }
            """;
    private static final String MODULE_INFO = "module example { requires dev.growlog; }\n";

    private static Path libraryJar;
    /** The library's run-time dependencies, without HdrHistogram (the command-line tool's only). */
    private static List<String> dependencies;
    private static String hdrHistogram;

    @TempDir
    Path dir;

    /** What a child printed and returned. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    static void findJars() throws IOException {
        libraryJar = Path.of(System.getProperty("growlog.library.jar", "")).toAbsolutePath();
        Path list = Path.of(System.getProperty("growlog.dependencies", "")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(libraryJar) && Files.isRegularFile(list), "skipped: run by mvn verify, "
                + "which packages the library jar and lists its dependencies");
        List<String> all = Arrays.asList(Files.readString(list).strip().split(File.pathSeparator));
        dependencies = all.stream().filter(jar -> !isHdrHistogram(jar)).toList();
        hdrHistogram = all.stream().filter(ModulePathIT::isHdrHistogram).findFirst().orElseThrow();
    }

    private static boolean isHdrHistogram(String jar) {
        return Path.of(jar).getFileName().toString().startsWith("HdrHistogram-");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aModuleThatRequiresTheLibrary_appendsAndReadsBack_andCannotReachItsInternals() throws Exception {
        String modulePath = path(libraryJar.toString(), dependencies);
        Path classes = dir.resolve("classes");
        JavaSources.Compiled compiled = JavaSources.compile(dir.resolve("src"), classes,
                List.of("--module-path", modulePath),
                Map.of("module-info.java", MODULE_INFO, "example/Main.java", PROGRAM));
        assertThat(compiled.success()).as(compiled.diagnostics()).isTrue();

        List<String> command = java();
        command.add("--enable-native-access=org.jnrproject.jffi"); // as the README says
        command.addAll(List.of("--module-path", classes + File.pathSeparator + modulePath,
                "--module", "example/example.Main", dir.resolve("module.glog").toString()));
        Run run = run(command);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("read hello\n", "record at 4096: hello\n", "library module dev.growlog\n",
                "internals refused\n");
        assertThat(run.stderr()).as("no warnings with the README's flags").isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aProgramOnTheClassPath_appendsAndReadsBack() throws Exception {
        String classPath = path(libraryJar.toString(), dependencies);
        Path classes = dir.resolve("classes");
        JavaSources.Compiled compiled = JavaSources.compile(dir.resolve("src"), classes,
                List.of("--class-path", classPath), Map.of("example/Main.java", PROGRAM));
        assertThat(compiled.success()).as(compiled.diagnostics()).isTrue();

        List<String> command = java();
        command.add("--enable-native-access=ALL-UNNAMED"); // as the README says
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("--class-path", classes + File.pathSeparator + classPath, "example.Main",
                dir.resolve("classpath.glog").toString()));
        Run run = run(command);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("read hello\n", "record at 4096: hello\n", "library module null\n");
        assertThat(run.stderr()).as("no warnings with the README's flags").isEmpty();
    }

    @Test
    void codeOutsideTheModule_doesNotCompileAgainstItsInternalPackages() throws Exception {
        String internals = """
                package example;

                public final class Internals {
                    Object syscalls = dev.growlog.internal.nativeio.Syscalls.libc();
                    Class<?> binding = dev.growlog.internal.nativeio.libc.LibC.class;
                    Class<?> mapping = dev.growlog.internal.mapping.GrowableMapping.class;
                    Class<?> chain = dev.growlog.internal.chain.Chain.class;
                    Class<?> file = dev.growlog.internal.file.LogFile.class;
                }
                """;
        JavaSources.Compiled compiled = JavaSources.compile(dir.resolve("src"), dir.resolve("classes"),
                List.of("--module-path", path(libraryJar.toString(), dependencies)),
                Map.of("module-info.java", MODULE_INFO, "example/Internals.java", internals));

        assertThat(compiled.success()).as(compiled.diagnostics()).isFalse();
        assertThat(compiled.diagnostics()).contains(
                "package dev.growlog.internal.nativeio is not visible",
                "package dev.growlog.internal.nativeio.libc is not visible",
                "package dev.growlog.internal.mapping is not visible",
                "package dev.growlog.internal.chain is not visible",
                "package dev.growlog.internal.file is not visible");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theCommandLineTool_runsFromTheModule() throws Exception {
        List<String> command = java();
        command.add("--enable-native-access=org.jnrproject.jffi");
        // picocli from the module path; HdrHistogram (no module name) from the class path.
        command.addAll(List.of("--module-path", path(libraryJar.toString(), dependencies),
                "--class-path", hdrHistogram, "--add-reads", "dev.growlog=ALL-UNNAMED",
                "--add-modules", "info.picocli", "--module", "dev.growlog/dev.growlog.cli.GrowlogCommand",
                "--version"));
        Run run = run(command);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).startsWith("growlog ");
        assertThat(run.stderr()).isEmpty();
    }

    private static String path(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return String.join(File.pathSeparator, all);
    }

    private static List<String> java() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        return command;
    }

    private Run run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within 60 s");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
