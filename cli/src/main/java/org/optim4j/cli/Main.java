package org.optim4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code optim4j} command line. Each subcommand is one class in this package. */
@Command(name = "optim4j", mixinStandardHelpOptions = true, version = "optim4j 0.1.0-SNAPSHOT",
        description = "Neural-network optimizer update rules on fast backends.",
        subcommands = {FunctionsCommand.class, BackendsCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }
}
