package org.optim4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code optim4j} command line. Each subcommand is one class in this package.
 *
 * <p>Errors: a mistake of the user's (a {@link ParameterException}: a bad option or value, a file that
 * cannot be read or written, a run that diverged) prints one line naming the option and the value, and
 * the command exits with 2; anything else is a failure of optim4j's own, one line and exit code 1.
 * {@code --debug} adds the stack trace to either.
 */
@Command(name = "optim4j", mixinStandardHelpOptions = true, version = "optim4j 0.1.0-SNAPSHOT",
        description = "Neural-network optimizer update rules on fast backends.",
        subcommands = {TrainCommand.class, BenchCommand.class, BackendsCommand.class, FunctionsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    static final String DEBUG = "--debug";

    @Option(names = DEBUG, scope = ScopeType.INHERIT,
            description = "On an error, also print the stack trace (for a bug report).")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs the command line with its output and errors sent to the given writers (for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    /** The command line with the error handling described above. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) ->
                reportFailure(e, commandLine.getErr(), debugRequested(parseResult)));
        return cl;
    }

    /** A user error: the message, a hint at the help (for a bad option), exit code 2; the trace with --debug. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
        }
        if (!(e instanceof UserError)) {
            message = (message.endsWith(".") ? message.substring(0, message.length() - 1) : message) + "; see '" + cl.getCommandSpec().qualifiedName() + " --help'";
        }
        err.println(cl.getColorScheme().errorText(message));
        if (Arrays.asList(args).contains(DEBUG)) {
            e.printStackTrace(err);
        }
        err.flush();
        return 2;
    }

    /** A failure of optim4j's own (not the user's): one line and exit code 1; the stack trace with --debug. */
    static int reportFailure(Exception e, PrintWriter err, boolean debug) {
        if (debug) {
            e.printStackTrace(err);
        } else {
            err.println("optim4j failed: " + e + " (this is a bug; --debug prints the stack trace for a report)");
        }
        err.flush();
        return 1;
    }

    private static boolean debugRequested(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(DEBUG)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A mistake of the user's found while running (a run that diverged, an unwritable output): printed
     * as its message alone, without the hint at --help, exit code 2.
     */
    static final class UserError extends ParameterException {
        private static final long serialVersionUID = 1L;

        UserError(CommandLine commandLine, String message) {
            super(commandLine, message);
        }
    }
}
