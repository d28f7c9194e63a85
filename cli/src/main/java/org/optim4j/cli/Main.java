package org.optim4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code optim4j} command line. Each subcommand is one class in this package. */
@Command(name = "optim4j", mixinStandardHelpOptions = true, version = "optim4j 0.1.0-SNAPSHOT",
        description = "Neural-network optimizer update rules on fast backends.",
        subcommands = {TrainCommand.class, BenchCommand.class, BackendsCommand.class, FunctionsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    /** Runs the command line with its output and errors sent to the given writers (for tests). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return new CommandLine(new Main()).setOut(out).setErr(err).execute(args);
    }
}
