// A plain timing loop (see README.md here): Adam over int8 state on the simd backend with T threads, the fused
// kernel (VectorInt8Kernels, what simd registers for adam@int8) against the block wrapper it replaced (CompressedKernel
// around the float32 kernel, split at block boundaries by SimdBackend.composed: the path adam@int8 took before), and
// float32 Adam, interleaved round by round in one JVM, best round, ns/element.
//   java --add-modules jdk.incubator.vector -cp "$CP" benchmarks/timing/Int8BackendTiming.java N THREADS ROUNDS
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.quant.*;
import org.optim4j.rule.Adam;
import org.optim4j.spi.*;

public class Int8BackendTiming {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]), threads = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]);
        SimdBackend be = new SimdBackend(threads);
        KernelKey adam = KernelKey.of(Adam.of(1e-3));
        Method m = Class.forName("org.optim4j.backends.simd.SimdKernels")
                .getDeclaredMethod("adam", StepScalars.class, Buffer[].class, int.class, int.class);
        m.setAccessible(true);
        MethodHandle h = MethodHandles.lookup().unreflect(m);
        Kernel range32 = (s, b, f, t) -> {
            try {
                h.invokeExact(s, b, f, t);
            } catch (Throwable e) {
                throw new RuntimeException(e);
            }
        };
        Kernel[] kernels = {be.kernel(adam).orElseThrow(), be.composed(CompressedKernel.step(range32, 2)),
                be.kernel(StateFormat.INT8.key(adam)).orElseThrow()};
        String[] names = {"f32", "int8 block wrapper (before)", "int8 fused (after)"};
        java.util.Random rnd = new java.util.Random(1);
        float[] theta = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            theta[i] = (float) rnd.nextGaussian();
            g[i] = (float) rnd.nextGaussian() * 1e-2f;
        }
        Buffer[][] buffers = new Buffer[3][];
        buffers[0] = new Buffer[] {FloatArrayBuffer.wrap(theta), FloatArrayBuffer.wrap(g), FloatArrayBuffer.wrap(new float[n]),
                FloatArrayBuffer.wrap(new float[n])};
        for (int v = 1; v < 3; v++) {
            buffers[v] = new Buffer[] {buffers[0][0], buffers[0][1], new Int8BlockBuffer(n, DynamicMap.SIGNED),
                    new Int8BlockBuffer(n, DynamicMap.UNSIGNED)};
        }
        StepScalars k = new StepScalars(java.util.List.of("r1", "r2", "e", "b1", "b2", "a"), new int[] {0});
        System.arraycopy(new double[] {0.9, 0.999, 1e-8, 0.1, 0.001, 1e-3}, 0, k.values(), 0, 6);
        double[] best = {1e99, 1e99, 1e99};
        int reps = Math.max(1, (1 << 23) / n);
        for (int round = 0; round < rounds; round++) {
            for (int v = 0; v < 3; v++) {
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    kernels[v].apply(k, buffers[v], 0, n);
                }
                best[v] = Math.min(best[v], (System.nanoTime() - t0) / (double) reps / n);
            }
        }
        System.out.println("n = " + n + ", " + threads + " threads, best of " + rounds + " rounds of " + reps + " steps");
        for (int v = 0; v < 3; v++) {
            System.out.printf("%-28s %.3f ns/elem  %6.0f Mparam/s  x f32 %.2f%n", names[v], best[v], 1e3 / best[v],
                    best[0] / best[v]);
        }
        be.close();
    }
}
