package org.optim4j.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.spi.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends on the class path, found once through {@link ServiceLoader}, and the choice of one.
 * Each backend is a single shared instance (it may own threads); they are closed at JVM exit.
 */
public final class Backends {
    /** System property naming the backend to use. */
    public static final String PROPERTY = "optim4j.backend";
    /** Environment variable naming the backend to use (the system property wins). */
    public static final String ENVIRONMENT = "OPTIM4J_BACKEND";

    private static final Logger log = LoggerFactory.getLogger(Backends.class);
    private static List<Backend> all;
    private static Backend selected;

    private Backends() {
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
                } catch (ServiceConfigurationError e) {
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
     * The backend called {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException if there is none, or it is not available here (with the reason)
     */
    public static Backend byName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("backend name must not be null");
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Backend b : all()) {
            if (b.name().equals(wanted)) {
                if (!b.availability().available()) {
                    throw new IllegalArgumentException("backend '" + wanted + "' is not available: "
                            + b.availability().reason());
                }
                return b;
            }
        }
        throw new IllegalArgumentException("no backend named '" + name + "'; known: "
                + all().stream().map(Backend::name).collect(Collectors.joining(", ")));
    }

    /**
     * The backend to use when the caller names none: the one named by the system property
     * {@value #PROPERTY} or the environment variable {@value #ENVIRONMENT}, else {@code scalar}.
     * The choice and its reason are logged once.
     */
    public static synchronized Backend select() {
        if (selected == null) {
            String named = System.getProperty(PROPERTY);
            String source = "system property " + PROPERTY;
            if (named == null || named.isBlank()) {
                named = System.getenv(ENVIRONMENT);
                source = "environment variable " + ENVIRONMENT;
            }
            if (named != null && !named.isBlank() && !named.trim().equalsIgnoreCase("auto")) {
                selected = byName(named);
                log.info("Using backend '{}' (named by {})", selected.name(), source);
            } else {
                selected = byName(ScalarBackend.NAME);
                log.info("Using backend '{}' (no backend named; the reference is the fallback)", selected.name());
            }
        }
        return selected;
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
