package org.optim4j.tools;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.Adam;
import org.optim4j.spi.Backend;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * A quick, JMH-free measurement of the non-finite gradient check at 16M parameters: the check alone
 * ({@link Backend#firstNonFinite}), and an Adam step with policy FAIL against the same step UNCHECKED,
 * interleaved, median of the rounds. The number quoted in {@link Optimizer}'s Javadoc comes from here;
 * the benchmark suite measures the same with JMH. Run:
 *
 * <pre>
 *   mvn -B -q -o -pl core test-compile
 *   java -cp core/target/classes:core/target/test-classes:$(ls ~/.m2/repository/org/slf4j/slf4j-api/2.0.16/*.jar) \
 *        org.optim4j.tools.NonFiniteCheckCost [n] [rounds]
 * </pre>
 */
public final class NonFiniteCheckCost {
    private NonFiniteCheckCost() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 24;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 21;
        Backend backend = new ScalarBackend();
        SplittableRandom random = new SplittableRandom(1);
        float[] theta = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            theta[i] = (float) random.nextDouble(-1, 1);
            g[i] = (float) random.nextDouble(-1, 1);
        }
        FloatArrayBuffer thetaBuffer = FloatArrayBuffer.wrap(theta);
        FloatArrayBuffer gBuffer = FloatArrayBuffer.wrap(g);
        Optimizer checked = Optimizer.builder(Adam.defaults()).backend(backend).parameterCount(n)
                .nonFinitePolicy(NonFinitePolicy.FAIL).build();
        Optimizer unchecked = Optimizer.builder(Adam.defaults()).backend(backend).parameterCount(n)
                .nonFinitePolicy(NonFinitePolicy.UNCHECKED).build();
        long[] check = new long[rounds];
        long[] stepChecked = new long[rounds];
        long[] stepUnchecked = new long[rounds];
        int sink = 0;
        for (int warm = 0; warm < 5; warm++) {
            sink += backend.firstNonFinite(gBuffer, 0, n);
            checked.step(thetaBuffer, gBuffer);
            unchecked.step(thetaBuffer, gBuffer);
        }
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            sink += backend.firstNonFinite(gBuffer, 0, n);
            long t1 = System.nanoTime();
            checked.step(thetaBuffer, gBuffer);
            long t2 = System.nanoTime();
            unchecked.step(thetaBuffer, gBuffer);
            long t3 = System.nanoTime();
            check[r] = t1 - t0;
            stepChecked[r] = t2 - t1;
            stepUnchecked[r] = t3 - t2;
        }
        double c = median(check) / 1e6;
        double sc = median(stepChecked) / 1e6;
        double su = median(stepUnchecked) / 1e6;
        System.out.printf("n=%d rounds=%d (sink %d)%n", n, rounds, sink);
        System.out.printf("check alone:         %8.2f ms  (%.2f GB/s read)%n", c, 4.0 * n / (c * 1e6));
        System.out.printf("Adam step FAIL:      %8.2f ms%n", sc);
        System.out.printf("Adam step UNCHECKED: %8.2f ms%n", su);
        System.out.printf("check / unchecked Adam step (scalar reference): %.1f%%%n", 100 * c / su);
    }

    private static double median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
