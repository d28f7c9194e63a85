package org.optim4j.interop.dl4j;

import java.util.List;
import org.optim4j.rule.Adam;
import org.optim4j.rule.RuleType;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;

/**
 * The rule {@value #ID}: Adam in DL4J's convention (ε on the uncorrected √v; see {@link ScaleByAdamDl4j}), so
 * that a DL4J model trained with {@code new Adam(…)} switches to optim4j without any change in its numbers.
 * Chain: scale_by_adam_dl4j, scale_by_learning_rate. Registered in {@link Rules} when this class is
 * initialised ({@link Optim4jUpdater} does it), so checkpoints, {@code Rules.create} and the updater know it.
 */
public final class Dl4jAdam {
    /** The rule id. */
    public static final String ID = "adam_dl4j";
    /** The registry entry: α (default 1e-3), ρ₁ (β₁), ρ₂ (β₂), ε: DL4J's Adam defaults too. */
    public static final RuleType TYPE = new RuleType(ID,
            "Adam as DL4J computes it: ε added to the uncorrected √v (org.nd4j.linalg.learning.config.Adam)",
            List.of(Params.LEARNING_RATE.withDefault(Adam.DEFAULT_LEARNING_RATE), Params.RHO1, Params.RHO2,
                    Params.EPSILON),
            v -> UpdateRule.chain(ID, new ScaleByAdamDl4j(v.get(Params.RHO1), v.get(Params.RHO2),
                    v.get(Params.EPSILON)), new ScaleByLearningRate(v.get(Params.LEARNING_RATE))));

    static {
        synchronized (Rules.class) {
            if (!Rules.ids().contains(ID)) {
                Rules.register(TYPE);
            }
        }
    }

    private Dl4jAdam() {
    }

    /** Makes sure the rule is registered (idempotent). */
    public static void register() {
        // the static initialiser did it
    }
}
