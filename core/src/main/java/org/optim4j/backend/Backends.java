package org.optim4j.backend;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.internal.Check;
import org.optim4j.rule.Adam;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.Chains;
import org.optim4j.spi.StepScalars;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends on the class path, found once through {@link ServiceLoader}, and the choice of one.
 * Each backend is a single shared instance (it may own threads); they are closed at JVM exit.
 *
 * <p>How a backend is chosen when the caller names none ({@link #select(UpdateRule, int)}), first match wins:
 * <ol>
 *   <li>the name in the system property {@value #PROPERTY} or the environment variable {@value #ENVIRONMENT}
 *       (any backend; {@code auto} means "choose for me");</li>
 *   <li>the per-machine {@link BackendProfile} (written by {@code optim4j bench}), if it was made on this
 *       machine, in this format version, and names an available backend; otherwise it is ignored and the
 *       log says why;</li>
 *   <li>a short measurement at first use (about {@value #MEASURE_MILLIS} ms per rule and size class):
 *       each candidate runs the rule's kernel and the fastest wins;</li>
 *   <li>{@code scalar}, the reference.</li>
 * </ol>
 * Steps 2 and 3 consider only backends whose buffers are heap {@code float[]} ({@link FloatArrayBuffer}):
 * a caller that names no backend passes {@code float[]} (e.g. {@code Optimizer.step(float[], float[])}),
 * and a backend with other storage (INDArrays) would refuse them. Such backends are chosen by name.
 * Each choice and its reason are logged once.
 *
 * <p>{@value #AUTO} means this choice wherever a backend name is taken: {@link #named(String, UpdateRule, int)} (the
 * command line's {@code --backend auto}), {@link #byName(String)} (for no particular rule: {@link #select()}), and
 * the property itself.
 */
public final class Backends {
    /** System property naming the backend to use. */
    public static final String PROPERTY = "optim4j.backend";
    /** Environment variable naming the backend to use (the system property wins). */
    public static final String ENVIRONMENT = "OPTIM4J_BACKEND";
    /** Upper bound of one first-use measurement. */
    public static final long MEASURE_MILLIS = 200;

    /** The name that means "choose for me" wherever a backend name is taken. */
    public static final String AUTO = "auto";
    /** Parameter count {@link #select()} chooses for. */
    public static final int REPRESENTATIVE_SIZE = 1 << 20;
    /** Where the backends that are not in core live: the hint when one is missing from the class path. */
    private static final Map<String, String> ARTIFACTS = Map.of("simd", "optim4j-simd", "simd1", "optim4j-simd",
            "nd4j", "optim4j-nd4j", "nd4j-f64", "optim4j-nd4j", "cuda", "optim4j-cuda");

    private static final Logger log = LoggerFactory.getLogger(Backends.class);
    private static List<Backend> all;
    /** Choices made by {@link #select(UpdateRule, int)}, by rule id and size class. */
    private static final Map<String, Choice> choices = new HashMap<>();

    private Backends() {
    }

    /** A backend chosen for a rule and size, and why (the reason is what gets logged). */
    public record Choice(Backend backend, String reason) {
    }

    /** Every backend on the class path, available or not, sorted by name. */
    public static synchronized List<Backend> all() {
        if (all == null) {
            List<Backend> found = new ArrayList<>();
            Iterator<Backend> it = ServiceLoader.load(Backend.class).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    found.add(it.next());
                } catch (ServiceConfigurationError | LinkageError e) {
                    // A backend that cannot even be constructed is skipped, never fatal.
                    log.warn("Skipping a backend that failed to load: {}", e.toString());
                }
            }
            if (found.stream().noneMatch(b -> b.name().equals(ScalarBackend.NAME))) {
                found.add(new ScalarBackend());
            }
            found.sort(Comparator.comparing(Backend::name));
            all = List.copyOf(found);
            Runtime.getRuntime().addShutdownHook(new Thread(Backends::closeAll, "optim4j-backends-close"));
        }
        return all;
    }

    /** The backends that can run here. */
    public static List<Backend> available() {
        return all().stream().filter(b -> b.availability().available()).collect(Collectors.toList());
    }

    /**
     * The backend called {@code name} (case-insensitive); {@value #AUTO} is {@link #select()}.
     *
     * @throws IllegalArgumentException if there is none, or it is not available here (with the reason)
     */
    public static Backend byName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("backend name must not be null");
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals(AUTO)) {
            return select();
        }
        for (Backend b : all()) {
            if (b.name().equals(wanted)) {
                if (!b.availability().available()) {
                    throw new IllegalArgumentException("backend '" + wanted + "' is not available: "
                            + b.availability().reason());
                }
                return b;
            }
        }
        String artifact = ARTIFACTS.get(wanted);
        throw new IllegalArgumentException("no backend named '" + name + "' on the class path"
                + (artifact == null ? "" : " (it is in the artifact org.optim4j:" + artifact + ")") + "; known: "
                + all().stream().map(Backend::name).collect(Collectors.joining(", ")) + ", " + AUTO);
    }

    /**
     * The backend {@code auto} means when no rule or size is known: the choice of {@link #select(UpdateRule, int)}
     * for the spec's Adam over {@value #REPRESENTATIVE_SIZE} parameters (by name, else the machine profile, else a
     * short measurement, else {@code scalar}). Prefer {@link #select(UpdateRule, int)}. Logged once.
     */
    public static Backend select() {
        return select(Adam.defaults(), REPRESENTATIVE_SIZE);
    }

    /**
     * The backend for {@code rule} over {@code parameterCount} parameters when the caller names none:
     * by name (property, environment), else the machine profile, else a short measurement, else
     * {@code scalar} (see the class comment). Decided once per rule and size class (powers of 4) and logged once.
     */
    public static Backend select(UpdateRule rule, int parameterCount) {
        return choice(rule, parameterCount).backend();
    }

    /** {@link #select(UpdateRule, int)} with the reason of the choice (e.g. "named by system property …"). */
    public static synchronized Choice choice(UpdateRule rule, int parameterCount) {
        Check.notNull("rule", rule);
        if (parameterCount < 0) {
            throw new IllegalArgumentException("parameterCount must be >= 0, got " + parameterCount);
        }
        String key = rule.id() + "/" + sizeClass(parameterCount);
        Choice choice = choices.get(key);
        if (choice == null) {
            choice = namedChoice().orElseGet(() -> choose(rule, parameterCount, BackendProfile.defaultPath(),
                    BackendProfile.currentMachine(), heapCandidates()));
            choices.put(key, choice);
            log.info("Using backend '{}' for {} over {} parameters: {}", choice.backend().name(), rule.id(),
                    parameterCount, choice.reason());
        }
        return choice;
    }

    /**
     * {@code name}'s backend, where {@value #AUTO} means {@link #select(UpdateRule, int)} for this rule and size:
     * what every command line option {@code --backend} takes.
     */
    public static Backend named(String name, UpdateRule rule, int parameterCount) {
        if (name != null && name.trim().equalsIgnoreCase(AUTO)) {
            return select(rule, parameterCount);
        }
        return byName(name);
    }

    /** ⌊log₄ n⌋: sizes within a factor of 4 share a choice. */
    private static int sizeClass(int n) {
        return n <= 1 ? 0 : (31 - Integer.numberOfLeadingZeros(n)) / 2;
    }

    private static Optional<Choice> namedChoice() {
        String named = System.getProperty(PROPERTY);
        String source = "system property " + PROPERTY;
        if (named == null || named.isBlank()) {
            named = System.getenv(ENVIRONMENT);
            source = "environment variable " + ENVIRONMENT;
        }
        if (named == null || named.isBlank() || named.trim().equalsIgnoreCase(AUTO)) {
            return Optional.empty();
        }
        return Optional.of(new Choice(byName(named), "named by " + source + "=" + named.trim()));
    }

    /** Available backends over heap float[] (what a caller who names no backend passes). */
    static List<Backend> heapCandidates() {
        Buffer probe = FloatArrayBuffer.wrap(new float[0]);
        // Storage first: asking an INDArray backend whether it is available would load its natives (seconds).
        return all().stream().filter(b -> b.owns(probe)).filter(b -> b.availability().available())
                .collect(Collectors.toList());
    }

    /**
     * Steps 2–4 of the choice: the profile at {@code profilePath} if it applies to {@code machine} and names
     * one of {@code candidates}; else a measurement among {@code candidates}; else scalar. The reason says
     * why any step was skipped (a missing, corrupt or stale profile, …).
     */
    static Choice choose(UpdateRule rule, int n, Path profilePath, String machine, List<Backend> candidates) {
        StringBuilder why = new StringBuilder();
        Optional<BackendProfile> profile = usableProfile(profilePath, machine, why);
        if (profile.isPresent()) {
            Optional<String> name = profile.get().recommend(rule.id(), n);
            if (name.isEmpty()) {
                why.append("profile ").append(profilePath).append(" has no entry for ").append(rule.id())
                        .append(" at ").append(n).append(" parameters");
            } else {
                Optional<Backend> b = candidates.stream().filter(c -> c.name().equals(name.get())).findFirst();
                if (b.isPresent()) {
                    return new Choice(b.get(), "recommended by the profile " + profilePath);
                }
                why.append("profile ").append(profilePath).append(" recommends '").append(name.get())
                        .append("', which is not an available heap float[] backend here");
            }
        }
        Optional<Choice> measured = measure(rule, n, candidates, MEASURE_MILLIS * 1_000_000L);
        if (measured.isPresent()) {
            return new Choice(measured.get().backend(), why + "; " + measured.get().reason());
        }
        Backend scalar = candidates.stream().filter(c -> c.name().equals(ScalarBackend.NAME)).findFirst()
                .orElseGet(ScalarBackend::new);
        return new Choice(scalar, why + "; no other heap float[] backend to measure, the reference is the fallback");
    }

    /**
     * The profile at {@code path} if it can be read, has this format's version and was made on
     * {@code machine}; otherwise empty, with the reason appended to {@code why}.
     */
    static Optional<BackendProfile> usableProfile(Path path, String machine, StringBuilder why) {
        BackendProfile profile;
        try {
            profile = BackendProfile.read(path);
        } catch (NoSuchFileException e) {
            why.append("no profile at ").append(path);
            return Optional.empty();
        } catch (IOException e) {
            why.append("profile ").append(path).append(" ignored, unreadable: ").append(e);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            // Malformed, or another format version: the message says which.
            why.append("profile ignored: ").append(e.getMessage());
            return Optional.empty();
        }
        if (!profile.machine().equals(machine)) {
            why.append("profile ").append(path).append(" ignored: made on another machine ('")
                    .append(profile.machine()).append("', this is '").append(machine).append("')");
            return Optional.empty();
        }
        return Optional.of(profile);
    }

    /**
     * Runs {@code rule}'s kernel (fused, or composed) on each candidate for about {@code budgetNanos} in all (split
     * evenly; a candidate always gets at least one timed call after its warm-up, even past its share) over
     * min(n, 2^16) elements and returns the fastest, or empty when there is nothing to compare.
     */
    static Optional<Choice> measure(UpdateRule rule, int n, List<Backend> candidates, long budgetNanos) {
        List<Backend> runnable = candidates;
        if (runnable.size() < 2) {
            return Optional.empty();
        }
        int m = Math.max(1, Math.min(n, 1 << 16)); // small enough to set up in a few ms
        long each = budgetNanos / runnable.size();
        StepScalars scalars = Chains.compute(rule.transforms(), 0, Chains.newScalars(rule.transforms()));
        float[] pattern = new float[m];
        for (int i = 0; i < m; i++) {
            pattern[i] = (float) (1e-3 * ((i * 7919) % 1000 - 500));
        }
        Backend best = null;
        double bestNanos = Double.MAX_VALUE;
        StringBuilder timings = new StringBuilder();
        for (Backend b : runnable) {
            Kernel kernel = Chains.stepKernel(b, rule.transforms());
            Buffer[] buffers = new Buffer[2 + Chains.stateCount(rule.transforms())];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = b.allocate(m);
            }
            buffers[1].copyFrom(pattern);
            // First half warms up (the JIT compiles the loop), second half keeps the best time per call.
            long start = System.nanoTime();
            long warmEnd = start + each / 2;
            long end = start + each;
            double fastest = Double.MAX_VALUE;
            while (true) {
                long t0 = System.nanoTime();
                if (t0 >= end) {
                    break;
                }
                kernel.apply(scalars, buffers, 0, m);
                long t1 = System.nanoTime();
                if (t0 >= warmEnd) {
                    fastest = Math.min(fastest, t1 - t0);
                }
            }
            if (fastest == Double.MAX_VALUE) {
                // No call started after the warm-up (one outlasted the share: JIT warm-up, or this thread was
                // descheduled on a busy machine): time one more rather than drop the candidate.
                long t0 = System.nanoTime();
                kernel.apply(scalars, buffers, 0, m);
                fastest = System.nanoTime() - t0;
            }
            timings.append(String.format(Locale.ROOT, " %s %.0f Mparam/s", b.name(), m / fastest * 1e3));
            if (fastest < bestNanos) {
                bestNanos = fastest;
                best = b;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new Choice(best, "fastest in a " + budgetNanos / 1_000_000 + " ms measurement of "
                + rule.id() + " over " + m + " parameters:" + timings));
    }

    private static void closeAll() {
        for (Backend b : all) {
            try {
                b.close();
            } catch (Exception e) {
                log.warn("Closing backend {} failed: {}", b.name(), e.toString());
            }
        }
    }
}
