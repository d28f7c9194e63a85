// A plain timing loop (see README.md here): Adam in every state format, interleaved, best round, ns/element.
import org.optim4j.*;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.quant.*;
import org.optim4j.rule.Adam;
import org.optim4j.spi.*;

public class CompressedTiming {
    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        int threads = Integer.parseInt(a[1]);
        String[] variants = {"f32", "bf16", "int8", "bf16-mixed", "bf16-mixed-nocopy"};
        SimdBackend be = new SimdBackend(threads);
        Optimizer[] opt = new Optimizer[variants.length];
        Buffer theta = be.allocate(n), g = be.allocate(n);
        float[] gg = new float[n];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < n; i++) gg[i] = (float) r.nextGaussian();
        g.copyFrom(gg);
        Bf16Buffer g16 = new Bf16Buffer(n); g16.copyFrom(gg);
        Bf16Buffer copy = new Bf16Buffer(n);
        for (int v = 0; v < variants.length; v++) {
            String st = variants[v].contains("-mixed") ? variants[v].substring(0, variants[v].indexOf("-mixed")) : variants[v];
            opt[v] = Optimizer.builder(Adam.of(1e-3)).backend(be).parameterCount(n).nonFinitePolicy(NonFinitePolicy.UNCHECKED)
                    .stateFormat(StateFormat.parse(st)).build();
        }
        double[] best = new double[variants.length];
        java.util.Arrays.fill(best, 1e99);
        int reps = Math.max(1, (1 << 24) / n);
        for (int round = 0; round < Integer.parseInt(a[2]); round++) {
            for (int v = 0; v < variants.length; v++) {
                long t0 = System.nanoTime();
                for (int k = 0; k < reps; k++) {
                    if (variants[v].contains("mixed")) opt[v].stepMixed(theta, g16, variants[v].endsWith("nocopy") ? null : copy);
                    else opt[v].step(theta, g);
                }
                double ns = (System.nanoTime() - t0) / (double) reps / n;
                best[v] = Math.min(best[v], ns);
            }
        }
        for (int v = 0; v < variants.length; v++)
            System.out.printf("%-18s %.3f ns/elem  x f32 %.2f%n", variants[v], best[v], best[0] / best[v]);
        be.close();
    }
}
