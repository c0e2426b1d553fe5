package dev.kiln.bench;

import picocli.CommandLine.Command;

@Command(name = "compare")
final class CompareCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("todo");
    }
}
