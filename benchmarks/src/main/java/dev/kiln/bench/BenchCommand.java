package dev.kiln.bench;

import dev.kiln.ir.KilnException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kiln bench}: Kiln's training speed, the paper's tables, and PyTorch side by side. */
@Command(name = "kiln bench", mixinStandardHelpOptions = true, version = "kiln-benchmarks 0.1.0",
        description = "Benchmarks: training-step times, the paper's tables and figures, PyTorch side by side, JMH.",
        subcommands = {StepCommand.class, PaperCommand.class, CompareCommand.class, ColdStartCommand.class,
                JmhCommand.class, ResultsCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (Kiln errors print as one clear message). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof KilnException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("kiln bench: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
