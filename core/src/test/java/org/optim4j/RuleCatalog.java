package org.optim4j;

import java.util.List;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;

/** One configuration of every rule (two with a linear-decay schedule), shared by the reliability tests. */
public final class RuleCatalog {
    private RuleCatalog() {
    }

    public static List<UpdateRule> rules() {
        Schedule decay = Schedule.linearDecay(0.05, 0.01, 12);
        return List.of(new Sgd(decay), Momentum.of(0.02, 0.9), Nesterov.of(0.02, 0.8), AdaGrad.of(0.1),
                RmsProp.of(0.01), new Adam(decay, 0.9, 0.99, 1e-8));
    }
}
