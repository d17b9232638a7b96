package dev.growlog.internal.chain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names in a log's directory. A data file is named by its base position as 20 zero-padded
 * digits and {@value #SUFFIX}, so that {@code ls} lists the files in order; temporary files
 * start with a dot; {@value StartFile#NAME} holds the durable start; {@value #LOCK} is the
 * writer lock.
 */
public final class DataFiles {
    public static final String SUFFIX = ".glog";
    public static final String LOCK = "lock";
    private static final Pattern DATA = Pattern.compile("[0-9]{20}\\.glog");

    private DataFiles() {
    }

    /** The name of the data file whose base position is {@code base}. */
    static String name(long base) {
        return String.format("%020d", base) + SUFFIX;
    }

    /** The path of file {@code index} of a log with files of {@code span} bytes. */
    public static Path path(Path dir, long index, long span) {
        return dir.resolve(name(index * span));
    }

    /** The temporary name a new file {@code index} is written under before it is renamed into place. */
    static Path temp(Path dir, long index, long span) {
        return dir.resolve("." + name(index * span) + ".creating");
    }

    /** The data files in {@code dir}, by base position. */
    public static TreeMap<Long, Path> list(Path dir) throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(p -> {
                String name = p.getFileName().toString();
                if (DATA.matcher(name).matches()) {
                    files.put(Long.parseLong(name.substring(0, 20)), p);
                }
            });
        }
        return files;
    }

    /** The temporary files growlog left in {@code dir} (half-made data files and start files). */
    public static List<Path> temporary(Path dir) throws IOException {
        List<Path> temps = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".creating")) {
                    temps.add(p);
                }
            });
        }
        return temps;
    }
}
