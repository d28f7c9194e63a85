package org.optim4j.spi;

/**
 * The element-wise kernels a backend implements, one per rule (plus Nesterov's look-ahead).
 * Each constant documents the order of the buffers its {@link Kernel} receives and which it writes.
 */
public enum KernelId {
    /** θ, g. {@code θ = θ − α·g}. */
    SGD(2),
    /** θ, g, s. {@code s = ρ·s − α·g; θ = θ + s}. Also the spec form of Nesterov, with g taken at θ + ρ·s. */
    MOMENTUM(3),
    /**
     * θ̃, g, s — Nesterov, reparametrised (θ̃ = θ + ρ·s, g = ∇R(θ̃)):
     * {@code s' = ρ·s − α·g; θ̃ = θ̃ + (1+ρ)·s' − ρ·s; s = s'}.
     */
    NESTEROV(3),
    /** θ, s, p. Writes Nesterov's look-ahead point {@code p = θ + ρ·s}; θ and s are read only. */
    NESTEROV_LOOKAHEAD(3),
    /** θ, g, r. {@code r = r + g⊙g; θ = θ − α·g/(√r + ε)}. */
    ADAGRAD(3),
    /** θ, g, r. {@code r = ρ₂·r + (1−ρ₂)·g⊙g; θ = θ − α·g/(√r + ε)}. */
    RMSPROP(3),
    /**
     * θ, g, s, r. {@code s = ρ₁·s + (1−ρ₁)·g; r = ρ₂·r + (1−ρ₂)·g⊙g;
     * θ = θ − α·(s/bc₁)/(√(r/bc₂) + ε)} with bc₁ = 1−ρ₁^(t+1), bc₂ = 1−ρ₂^(t+1).
     */
    ADAM(4);

    private final int bufferCount;

    KernelId(int bufferCount) {
        this.bufferCount = bufferCount;
    }

    /** How many buffers the kernel receives. */
    public int bufferCount() {
        return bufferCount;
    }
}
