package dev.kiln.bench;

import picocli.CommandLine.Command;

@Command(name = "jmh")
final class JmhCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("todo");
    }
}
