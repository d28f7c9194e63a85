package org.optim4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.optim4j.backend.BackendProfile;
import org.optim4j.backend.Backends;
import org.optim4j.spi.Backend;
import org.optim4j.spi.KernelKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Lists every backend on the class path: whether it can run here and, if not, why; and the chains it has
 * fused kernels for (every other chain runs composed from its transforms).
 */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = {"List every backend with its availability here and, where unavailable, the reason;",
                "for an available one, the chains (kernel keys) it runs fused. Any other chain runs composed from "
                        + "its transforms: exact, slower."})
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
                String fused = b.kernelKeys().stream().map(KernelKey::value).sorted()
                        .collect(Collectors.joining(", "));
                details += fused.isEmpty() ? "; no fused kernels (every chain composed)" : "; fused kernels: " + fused;
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
