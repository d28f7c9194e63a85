package org.optim4j.transform;

/**
 * A transform whose parameters buffer holds a training point that differs from the point a user should evaluate
 * (test, save, ship) the model at: schedule-free methods keep y, where the gradient is taken, and the average x.
 * {@link org.optim4j.Optimizer#evaluationPoint} writes x for every group whose chain has one.
 */
public interface EvaluationPoint {
    /**
     * x for one element, from θ (the training point y) and this transform's state at the element; {@code c[at …]}
     * are its scalars of the last step taken.
     */
    double evaluationPoint(double theta, StateAccess state, double[] c, int at);
}
