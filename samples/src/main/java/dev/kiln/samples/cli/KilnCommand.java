package dev.kiln.samples.cli;

import dev.kiln.ir.KilnException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiln} command: train, inspect and check the paper's models. */
@Command(name = "kiln", mixinStandardHelpOptions = true, version = "kiln 0.1.0",
        description = "Kiln: a tracing JIT compiler for array programs, for Java (jit, grad, vmap; DP-SGD).",
        subcommands = {TrainCommand.class, AccountantCommand.class, RunCommand.class, IrCommand.class, GradcheckCommand.class, DevicesCommand.class, CommandLine.HelpCommand.class})
public final class KilnCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (errors print as one clear message). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new KilnCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof KilnException ke) {
                cmd.getErr().println(ke.getMessage());
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
