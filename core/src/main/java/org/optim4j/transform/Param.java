package org.optim4j.transform;

import java.util.List;
import org.optim4j.internal.Check;

/**
 * One declared hyper-parameter: its name (the spec's), the names other libraries use for it (accepted as
 * aliases), its default and its valid range. Declared once, as a constant of the transform that uses it;
 * rules, the registry, the command line and the checkpoint codec all read it from there.
 *
 * @param name         the spec's name ({@code learning_rate}, {@code rho1}, {@code epsilon}, …)
 * @param aliases      other accepted names ({@code lr}, {@code beta1}, {@code eps}, …)
 * @param defaultValue the default, or NaN when the parameter has none (the user must give it)
 * @param range        the valid values
 * @param description  one line for help texts
 */
public record Param(String name, List<String> aliases, double defaultValue, Range range, String description) {

    public Param {
        Check.notNull("name", name);
        aliases = List.copyOf(aliases);
        Check.notNull("range", range);
        if (!Double.isNaN(defaultValue)) {
            range.check(name, defaultValue);
        }
    }

    /** The same parameter with another default (a rule's own default for a shared transform parameter). */
    public Param withDefault(double value) {
        return new Param(name, aliases, value, range, description);
    }

    /** True when {@code key} is this parameter's name or one of its aliases. */
    public boolean answersTo(String key) {
        return name.equals(key) || aliases.contains(key);
    }

    /** Checks {@code value} against the range; the message names the parameter and the value. */
    public double check(double value) {
        return range.check(name, value);
    }

    /** The valid values of a hyper-parameter. */
    public enum Range {
        /** x &gt; 0, finite. */
        POSITIVE("> 0 and finite") {
            @Override
            boolean accepts(double x) {
                return x > 0 && Double.isFinite(x);
            }
        },
        /** x ≥ 0, finite. */
        NON_NEGATIVE(">= 0 and finite") {
            @Override
            boolean accepts(double x) {
                return x >= 0 && Double.isFinite(x);
            }
        },
        /** x in [0, 1). */
        UNIT_INTERVAL("in [0, 1)") {
            @Override
            boolean accepts(double x) {
                return x >= 0 && x < 1;
            }
        };

        private final String text;

        Range(String text) {
            this.text = text;
        }

        abstract boolean accepts(double x);

        /** {@code x}, or IllegalArgumentException "NAME must be RANGE, got X". */
        public double check(String name, double x) {
            if (!accepts(x)) {
                throw new IllegalArgumentException(name + " must be " + text + ", got " + x);
            }
            return x;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
