package org.optim4j.backends.cuda;

import java.util.Optional;
import org.optim4j.backends.nd4j.Nd4jBackend;
import org.optim4j.spi.Availability;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelKey;

/**
 * The {@code cuda} backend: the {@code nd4j} backend's buffers and kernels, offered under its own name
 * only when ND4J actually runs on a GPU — that is, when the application was built with the opt-in
 * Maven profile {@code -Pcuda} (which adds {@code nd4j-cuda-11.6}) and ND4J loaded its CUDA backend.
 * Everywhere else it reports why it is unavailable and is never chosen.
 *
 * <p>GPU results are not verified in this repository's CI (it has no GPU).
 */
public final class CudaBackend implements Backend {
    public static final String NAME = "cuda";
    /** ND4J's CUDA backend class, present only with nd4j-cuda on the class path. */
    static final String ND4J_CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    private final Nd4jBackend delegate;
    private volatile Availability availability;

    public CudaBackend() {
        this(Buffer.Precision.FLOAT32);
    }

    public CudaBackend(Buffer.Precision precision) {
        this.delegate = new Nd4jBackend(precision);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            a = probe();
            availability = a;
        }
        return a;
    }

    private Availability probe() {
        try {
            Class.forName(ND4J_CUDA_BACKEND, false, CudaBackend.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.no("nd4j-cuda is not on the class path (build with the Maven profile -Pcuda)");
        }
        Availability nd4j = delegate.availability();
        if (!nd4j.available()) {
            return Availability.no("nd4j-cuda is on the class path but ND4J did not start: " + nd4j.reason());
        }
        String loaded = org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getName();
        if (!loaded.equals(ND4J_CUDA_BACKEND)) {
            return Availability.no("nd4j-cuda is on the class path but ND4J loaded " + loaded
                    + ": no usable GPU or CUDA 11.6 runtime here (" + cudaRuntimeProblem() + ")");
        }
        return new Availability(true, "ND4J on CUDA");
    }

    /** Why the CUDA runtime would not load, as far as loading it tells. */
    private static String cudaRuntimeProblem() {
        try {
            Class.forName("org.bytedeco.cuda.global.cudart", true, CudaBackend.class.getClassLoader());
            return "the CUDA runtime loads, but ND4J found no device it can use";
        } catch (Throwable t) {
            // Typically UnsatisfiedLinkError: libcuda.so.1 (the driver) is missing.
            Throwable root = t;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return root.toString();
        }
    }

    @Override
    public Buffer allocate(int length) {
        return delegate.allocate(length);
    }

    @Override
    public boolean owns(Buffer buffer) {
        return delegate.owns(buffer);
    }

    @Override
    public Optional<Kernel> kernel(KernelKey key) {
        return delegate.kernel(key);
    }

    @Override
    public java.util.Set<KernelKey> kernelKeys() {
        return delegate.kernelKeys();
    }

    @Override
    public double sumOfSquares(Buffer buffer, int from, int to) {
        return delegate.sumOfSquares(buffer, from, to);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
