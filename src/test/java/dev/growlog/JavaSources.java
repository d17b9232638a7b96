package dev.growlog;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Compiles Java sources written to a directory, in this JVM, as a user's build would. */
final class JavaSources {
    /** Whether the compilation succeeded, and what the compiler said. */
    record Compiled(boolean success, String diagnostics) {
    }

    private JavaSources() {
    }

    /**
     * Writes {@code sources} (relative file name to text) under {@code sourceDir} and compiles
     * them into {@code classDir} with {@code options}.
     */
    static Compiled compile(Path sourceDir, Path classDir, List<String> options, Map<String, String> sources)
            throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new AssertionError("no Java compiler in " + System.getProperty("java.home") + ": run on a JDK");
        }
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = sourceDir.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
            files.add(file);
        }
        Files.createDirectories(classDir);
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of("-d", classDir.toString()));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter out = new StringWriter();
        try (StandardJavaFileManager fileManager =
                     compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean success = compiler.getTask(out, fileManager, diagnostics, all, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
            String said = diagnostics.getDiagnostics().stream().map(JavaSources::format)
                    .collect(Collectors.joining("\n"));
            return new Compiled(success, out + said);
        }
    }

    private static String format(Diagnostic<? extends JavaFileObject> d) {
        String source = d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName() + ":";
        return d.getKind() + " " + source + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT);
    }
}
