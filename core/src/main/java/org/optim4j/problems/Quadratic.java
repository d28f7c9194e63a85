package org.optim4j.problems;

import org.optim4j.spi.Buffer;

/**
 * A convex quadratic R(θ) = ½ Σ a_i (θ_i − c_i)² with curvatures a_i spread over [1, κ] (condition
 * number κ) and minimum 0 at c.
 */
public final class Quadratic implements TestProblem {
    private final double[] curvature;
    private final double[] centre;

    public Quadratic(double[] curvature, double[] centre) {
        if (curvature.length != centre.length) {
            throw new IllegalArgumentException("curvature has length " + curvature.length
                    + " but centre has length " + centre.length);
        }
        this.curvature = curvature.clone();
        this.centre = centre.clone();
    }

    /** Ten dimensions, curvatures 1..10, centre (1, −1, 2, −2, …)/2. */
    public static Quadratic standard() {
        int n = 10;
        double[] a = new double[n];
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 1 + i;
            c[i] = (i % 2 == 0 ? 1 : -1) * (1 + i / 2) / 2.0;
        }
        return new Quadratic(a, c);
    }

    @Override
    public String name() {
        return "quadratic";
    }

    @Override
    public int dimension() {
        return curvature.length;
    }

    @Override
    public float[] start() {
        return new float[curvature.length];
    }

    @Override
    public double value(Buffer theta) {
        double sum = 0;
        for (int i = 0; i < curvature.length; i++) {
            double d = theta.get(i) - centre[i];
            sum += 0.5 * curvature[i] * d * d;
        }
        return sum;
    }

    @Override
    public void gradient(Buffer point, Buffer gradient) {
        for (int i = 0; i < curvature.length; i++) {
            gradient.set(i, curvature[i] * (point.get(i) - centre[i]));
        }
    }

    @Override
    public double minimum() {
        return 0;
    }

    @Override
    public String toString() {
        return name();
    }
}
