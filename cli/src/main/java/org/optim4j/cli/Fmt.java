package org.optim4j.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the command line writes numbers, in one place:
 * <ul>
 *   <li>{@link #sig(double)} measured values (losses, accuracies): 4 significant digits, plain between
 *       0.001 and 100000 ({@code 0.005214}, {@code 0.9666}, {@code 1.000}), otherwise with an exponent
 *       ({@code 2.402e+20}, {@code 3.100e-07}); never {@code 0.0000} for a small non-zero value;</li>
 *   <li>{@link #rate(double)} speeds: 3 significant digits with thousands separators ({@code 161,000});
 *       {@code n/a} where the time measured was zero (no {@code Infinity});</li>
 *   <li>{@link #param(double)} hyper-parameters as written: exact and short ({@code 0.0001}, {@code 0.05},
 *       {@code 10000}, {@code 1e-8}), never {@code 1.0E-4} next to {@code 0.001};</li>
 *   <li>{@link #sci(double)} values spanning many decades (test-function losses): {@code 3.142e-07};</li>
 *   <li>{@link #count(long)} whole counts with thousands separators ({@code 2,147,483,639}).</li>
 * </ul>
 */
final class Fmt {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private Fmt() {
    }

    /** {@code x} to 4 significant digits, see the class comment. */
    static String sig(double x) {
        return sig(x, 4);
    }

    static String sig(double x, int digits) {
        if (!Double.isFinite(x)) {
            return Double.isNaN(x) ? "NaN" : x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(x).round(new MathContext(digits));
        double a = Math.abs(rounded.doubleValue());
        if (a >= 1e-3 && a < 1e5) {
            int exponent = rounded.precision() - rounded.scale() - 1;
            return rounded.setScale(Math.max(0, digits - 1 - exponent)).toPlainString();
        }
        return String.format(Locale.ROOT, "%." + (digits - 1) + "e", x);
    }

    /** {@code x} with an exponent and 4 significant digits, for values spanning many decades: 3.142e-07. */
    static String sci(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.3e", x) : sig(x);
    }

    /** A speed (per second): 3 significant digits, grouped; {@code n/a} when not finite or negative. */
    static String rate(double perSecond) {
        if (!Double.isFinite(perSecond) || perSecond < 0) {
            return "n/a";
        }
        BigDecimal rounded = new BigDecimal(perSecond).round(new MathContext(3));
        return String.format(Locale.ROOT, "%,.0f", rounded.doubleValue());
    }

    /** A hyper-parameter exactly as short as it can be written: 0.0001, 0.05, 10000, 1e-8, 2.5e9. */
    static String param(double x) {
        if (!Double.isFinite(x)) {
            return sig(x);
        }
        BigDecimal d = new BigDecimal(Double.toString(x)).stripTrailingZeros();
        double a = Math.abs(x);
        if (x == 0 || (a >= 1e-4 && a < 1e7)) {
            return d.toPlainString();
        }
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (x < 0 ? "-" : "") + mantissa + "e" + exponent;
    }

    /** Every number in {@code text} as {@link #param(double)} writes it: "linear:1.0E-4,0.0,1000" → "linear:0.0001,0,1000". */
    static String params(String text) {
        Matcher m = NUMBER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(param(Double.parseDouble(m.group()))));
        }
        return m.appendTail(out).toString();
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Bytes in binary units: 512 B, 3.2 KiB, 1.5 GiB. */
    static String bytes(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return (u == 0 ? String.format(Locale.ROOT, "%.0f", bytes) : sig(bytes, 2)) + " " + units[u];
    }
}
