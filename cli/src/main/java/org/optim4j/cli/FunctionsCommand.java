package org.optim4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.problems.DemoRules;
import org.optim4j.problems.TestProblem;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs every rule on the classic test functions and prints the loss per step. */
@Command(name = "functions", mixinStandardHelpOptions = true,
        description = "Run every rule on the quadratic and Rosenbrock test functions; print the loss per step.")
final class FunctionsCommand implements Callable<Integer> {

    @Option(names = "--steps", defaultValue = "10000", description = "Steps per run (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--backend", defaultValue = "scalar",
            description = "Backend name, or auto: the one Backends.select picks per rule and size (default ${DEFAULT-VALUE}: the reference).")
    String backendName;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (steps < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--steps must be >= 1, got " + steps);
        }
        boolean auto = backendName.trim().equalsIgnoreCase(Backends.AUTO);
        if (!auto) {
            backend(null, 0); // a wrong name is refused before any work
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Long> checkpoints = new ArrayList<>();
        for (long c = 1; c <= steps; c *= 10) {
            checkpoints.add(c);
        }
        if (checkpoints.get(checkpoints.size() - 1) != steps) {
            checkpoints.add((long) steps);
        }
        out.printf("Loss R(θ) after k steps, backend %s (minimum 0).%n",
                auto ? "auto (chosen per rule and size as Backends.select does)" : backendName);
        for (TestProblem problem : TestProblem.all()) {
            out.printf("%n%s (dimension %d)%n", problem.name(), problem.dimension());
            int width = DemoRules.forProblem(problem).stream().mapToInt(r -> describe(r).length()).max().orElse(4);
            StringBuilder header = new StringBuilder(String.format("%-" + width + "s %10s", "rule", "k=0"));
            for (long c : checkpoints) {
                header.append(String.format(" %10s", "k=" + c));
            }
            out.println(header);
            for (UpdateRule rule : DemoRules.forProblem(problem)) {
                Backend backend = backend(rule, problem.dimension());
                Optimizer opt = Optimizer.create(rule, backend, problem.dimension());
                Buffer theta = opt.newBuffer();
                theta.copyFrom(problem.start());
                StringBuilder row = new StringBuilder(String.format("%-" + width + "s %10s", describe(rule),
                        Fmt.sci(problem.value(theta))));
                int next = 0;
                for (long k = 1; k <= steps; k++) {
                    opt.step(theta, problem);
                    if (k == checkpoints.get(next)) {
                        row.append(String.format(" %10s", Fmt.sci(problem.value(theta))));
                        next++;
                    }
                }
                out.println(auto ? row + "  [" + backend.name() + "]" : row);
            }
        }
        out.flush();
        return 0;
    }

    /** --backend's backend; with auto the one {@link Backends#select(UpdateRule, int)} picks for the rule and size. */
    private Backend backend(UpdateRule rule, int size) {
        try {
            return rule == null ? Backends.byName(backendName) : Backends.named(backendName, rule, size);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--backend " + backendName + ": "
                    + e.getMessage());
        }
    }

    private static String describe(UpdateRule rule) {
        return RuleText.describe(rule, null);
    }
}
