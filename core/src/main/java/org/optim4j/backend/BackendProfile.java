package org.optim4j.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.optim4j.internal.Check;
import org.optim4j.io.AtomicFile;

/**
 * The per-machine backend choice written by the {@code bench} command and read by {@link Backends}
 * ("wisdom", as FFTW calls it): for each rule and size range, the backend that measured fastest here.
 *
 * <p>Format: a Java properties file (UTF-8), by default {@code ~/.optim4j/backend-profile.properties}
 * (override with the system property {@value #PATH_PROPERTY}):
 *
 * <pre>
 * version=1                          # this format; other versions are ignored
 * machine=amd64/2/…                  # {@link #currentMachine()} when written; another machine's profile is ignored
 * created=2026-11-28T15:00:00Z
 * recommend.adam.0=simd              # rule id . smallest parameter count the entry covers = backend name
 * recommend.adam.1048576=nd4j        # (for n ≥ 1048576)
 * </pre>
 *
 * For a rule and a size n the entry with the largest threshold ≤ n applies.
 */
public final class BackendProfile {
    public static final int VERSION = 1;
    public static final String PATH_PROPERTY = "optim4j.profile";

    private final String machine;
    private final Instant created;
    /** rule id → (threshold → backend name). */
    private final Map<String, TreeMap<Integer, String>> recommendations;

    public BackendProfile(String machine, Instant created, Map<String, TreeMap<Integer, String>> recommendations) {
        this.machine = Check.notNull("machine", machine);
        this.created = Check.notNull("created", created);
        Map<String, TreeMap<Integer, String>> copy = new TreeMap<>();
        recommendations.forEach((rule, m) -> copy.put(rule, new TreeMap<>(m)));
        this.recommendations = Collections.unmodifiableMap(copy);
    }

    /** Where the profile is read and written. */
    public static Path defaultPath() {
        String p = System.getProperty(PATH_PROPERTY);
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        return Path.of(System.getProperty("user.home"), ".optim4j", "backend-profile.properties");
    }

    /** A fingerprint of this machine and JVM: a profile measured elsewhere does not apply here. */
    public static String currentMachine() {
        return System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "/"
                + Runtime.getRuntime().availableProcessors() + " cores/" + cpuModel() + "/java "
                + Runtime.version().feature();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: the other parts of the fingerprint remain
        }
        return "unknown cpu";
    }

    public String machine() {
        return machine;
    }

    public Instant created() {
        return created;
    }

    /** rule id → (smallest size → backend name). */
    public Map<String, TreeMap<Integer, String>> recommendations() {
        return recommendations;
    }

    /** The recommended backend name for {@code ruleId} at {@code size} parameters, if the profile has one. */
    public Optional<String> recommend(String ruleId, int size) {
        TreeMap<Integer, String> m = recommendations.get(ruleId);
        if (m == null) {
            return Optional.empty();
        }
        Map.Entry<Integer, String> e = m.floorEntry(size);
        return e == null ? Optional.empty() : Optional.of(e.getValue());
    }

    /** Writes the profile atomically and durably ({@link AtomicFile}). */
    public void write(Path path) throws IOException {
        Properties p = new Properties();
        p.setProperty("version", Integer.toString(VERSION));
        p.setProperty("machine", machine);
        p.setProperty("created", created.toString());
        recommendations.forEach((rule, m) -> m.forEach((size, backend) ->
                p.setProperty("recommend." + rule + "." + size, backend)));
        Files.createDirectories(path.toAbsolutePath().getParent());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        p.store(out, "optim4j backend profile, written by 'optim4j bench'");
        AtomicFile.write(path, out.toByteArray());
    }

    /**
     * Reads a profile.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if it is malformed or of another version (the message says what)
     */
    public static BackendProfile read(Path path) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            p.load(in);
        }
        String version = p.getProperty("version");
        if (!Integer.toString(VERSION).equals(version)) {
            throw new IllegalArgumentException("profile " + path + " has version " + version + ", expected " + VERSION);
        }
        String machine = p.getProperty("machine");
        String created = p.getProperty("created");
        if (machine == null || created == null) {
            throw new IllegalArgumentException("profile " + path + " lacks 'machine' or 'created'");
        }
        Instant when;
        try {
            when = Instant.parse(created);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("profile " + path + " has a malformed 'created': " + created, e);
        }
        Map<String, TreeMap<Integer, String>> rec = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("recommend.")) {
                continue;
            }
            String rest = key.substring("recommend.".length());
            int dot = rest.lastIndexOf('.');
            String value = p.getProperty(key).trim();
            try {
                if (dot <= 0 || value.isEmpty()) {
                    throw new NumberFormatException();
                }
                int size = Integer.parseInt(rest.substring(dot + 1));
                rec.computeIfAbsent(rest.substring(0, dot), r -> new TreeMap<>()).put(size, value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("profile " + path + " has a malformed entry: " + key + "=" + value);
            }
        }
        return new BackendProfile(machine, when, rec);
    }
}
