package org.optim4j;

import java.util.List;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.AdamWScheduleFree;
import org.optim4j.rule.Lamb;
import org.optim4j.rule.Rules;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;

/** One configuration of every spec rule (two with a linear-decay schedule), LAMB and schedule-free AdamW, shared by the reliability tests. */
public final class RuleCatalog {
    private RuleCatalog() {
    }

    public static List<UpdateRule> rules() {
        Schedule decay = Schedule.linearDecay(0.05, 0.01, 12);
        return List.of(new Sgd(decay), Momentum.of(0.02, 0.9), Nesterov.of(0.02, 0.8), AdaGrad.of(0.1),
                RmsProp.of(0.01), new Adam(decay, 0.9, 0.99, 1e-8),
                // issue 11's two rules with more than element-wise arithmetic: a mid-chain per-tensor reduction,
                // and host scalars carried from step to step
                Lamb.of(0.01, 0.9, 0.99, 1e-6, 0.01),
                Rules.create(AdamWScheduleFree.ID, Rules.parse(AdamWScheduleFree.ID, "lr=0.01,warmup_steps=2")));
    }
}
