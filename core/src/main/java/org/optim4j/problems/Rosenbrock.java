package org.optim4j.problems;

import org.optim4j.spi.Buffer;

/** Rosenbrock's banana: R(x, y) = (1 − x)² + 100·(y − x²)², minimum 0 at (1, 1), started at (−1.2, 1). */
public final class Rosenbrock implements TestProblem {

    @Override
    public String name() {
        return "rosenbrock";
    }

    @Override
    public int dimension() {
        return 2;
    }

    @Override
    public float[] start() {
        return new float[] {-1.2f, 1f};
    }

    @Override
    public double value(Buffer theta) {
        double x = theta.get(0);
        double y = theta.get(1);
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    }

    @Override
    public void gradient(Buffer point, Buffer gradient) {
        double x = point.get(0);
        double y = point.get(1);
        gradient.set(0, -2 * (1 - x) - 400 * x * (y - x * x));
        gradient.set(1, 200 * (y - x * x));
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
