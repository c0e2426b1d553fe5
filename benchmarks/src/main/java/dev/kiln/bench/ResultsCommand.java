package dev.kiln.bench;

import picocli.CommandLine.Command;

@Command(name = "results")
final class ResultsCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("todo");
    }
}
