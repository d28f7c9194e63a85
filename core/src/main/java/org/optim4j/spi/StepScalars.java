package org.optim4j.spi;

/**
 * The per-step scalars of one optimizer step, computed once per step by the rule (in {@code core})
 * so that a backend's kernel does element-wise arithmetic only.
 *
 * <p>Mutable and reused by its optimizer: a step allocates nothing. A kernel must read it during the
 * call and not keep it.
 */
public final class StepScalars {
    private long step;
    private double alpha;
    private double rho1;
    private double rho2;
    private double epsilon;
    private double biasCorrection1 = 1;
    private double biasCorrection2 = 1;

    /** Sets every field; unused ones are 0 (coefficients) or 1 (bias corrections). */
    public StepScalars set(long step, double alpha, double rho1, double rho2, double epsilon,
                           double biasCorrection1, double biasCorrection2) {
        this.step = step;
        this.alpha = alpha;
        this.rho1 = rho1;
        this.rho2 = rho2;
        this.epsilon = epsilon;
        this.biasCorrection1 = biasCorrection1;
        this.biasCorrection2 = biasCorrection2;
        return this;
    }

    /** t, the 0-based index of this step. */
    public long step() {
        return step;
    }

    /** α_t, the learning rate of this step (from the rule's schedule). */
    public double alpha() {
        return alpha;
    }

    /** ρ of momentum and Nesterov, ρ₁ of Adam; 0 for the other rules. */
    public double rho1() {
        return rho1;
    }

    /** ρ₂ of RMSProp and Adam; 0 for the other rules. */
    public double rho2() {
        return rho2;
    }

    /** ε of AdaGrad, RMSProp and Adam; 0 for the other rules. */
    public double epsilon() {
        return epsilon;
    }

    /** 1 − ρ₁^(t+1) for Adam (divide s by it to get ŝ); 1 for the other rules. */
    public double biasCorrection1() {
        return biasCorrection1;
    }

    /** 1 − ρ₂^(t+1) for Adam (divide r by it to get r̂); 1 for the other rules. */
    public double biasCorrection2() {
        return biasCorrection2;
    }

    @Override
    public String toString() {
        return "StepScalars[t=" + step + ", alpha=" + alpha + ", rho1=" + rho1 + ", rho2=" + rho2
                + ", epsilon=" + epsilon + ", biasCorrection1=" + biasCorrection1
                + ", biasCorrection2=" + biasCorrection2 + "]";
    }
}
