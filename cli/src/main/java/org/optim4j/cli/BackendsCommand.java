package org.optim4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.optim4j.backend.BackendProfile;
import org.optim4j.backend.Backends;
import org.optim4j.spi.Backend;
import org.optim4j.spi.KernelId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists every backend on the class path: whether it can run here and, if not, why. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List every backend with its availability here and, where unavailable, the reason.")
final class BackendsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-8s %-11s %s%n", "backend", "available", "details");
        for (Backend b : Backends.all()) {
            boolean ok = b.availability().available();
            String details = b.availability().reason();
            if (ok) {
                String missing = Arrays.stream(KernelId.values()).filter(id -> b.kernel(id).isEmpty())
                        .map(KernelId::name).collect(Collectors.joining(", "));
                details += missing.isEmpty() ? "; every kernel" : "; lacks kernels: " + missing;
            }
            out.printf("%-8s %-11s %s (%s)%n", b.name(), ok ? "yes" : "no", details, b);
        }
        out.printf("%nChoose one with --backend NAME, -D%s=NAME or %s=NAME; otherwise the machine profile%n"
                + "(%s) or a short measurement decides, per rule and size.%n",
                Backends.PROPERTY, Backends.ENVIRONMENT, BackendProfile.defaultPath());
        out.flush();
        return 0;
    }
}
