package dev.kiln.samples.cli;

import dev.kiln.runtime.Backends;
import dev.kiln.runtime.Kiln;
import picocli.CommandLine.Command;

/** {@code kiln devices}: the backends on the class path and whether each runs here. */
@Command(name = "devices", description = "List the backends and whether each can run on this machine.")
final class DevicesCommand implements Runnable {
    @Override
    public void run() {
        String chosen;
        try {
            chosen = Backends.defaultBackend().name();
        } catch (RuntimeException e) {
            chosen = "(none: " + e.getMessage() + ")";
        }
        for (Kiln.DeviceInfo d : Kiln.devices()) {
            System.out.printf("%-12s %-10s %s%n", d.name(), d.available() ? "available" : "absent", d.description());
        }
        System.out.println("default: " + chosen);
    }
}
