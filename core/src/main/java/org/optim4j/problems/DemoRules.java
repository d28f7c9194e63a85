package org.optim4j.problems;

import java.util.List;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;

/**
 * Every rule with a learning rate that suits a test problem: the table behind the {@code functions}
 * command and the convergence tests. Rosenbrock's curved valley (curvature up to ~2500) needs smaller
 * steps for the first-order rules than the quadratic (curvature ≤ 10).
 */
public final class DemoRules {
    private DemoRules() {
    }

    public static List<UpdateRule> forProblem(TestProblem problem) {
        if (problem instanceof Rosenbrock) {
            return List.of(Sgd.of(1e-3), Momentum.of(1e-4, 0.9), Nesterov.of(1e-4, 0.9), AdaGrad.of(0.5),
                    RmsProp.of(1e-3), Adam.of(0.01));
        }
        return List.of(Sgd.of(0.05), Momentum.of(0.005, 0.9), Nesterov.of(0.005, 0.9), AdaGrad.of(0.5),
                RmsProp.of(0.01), Adam.of(0.05));
    }
}
