package dev.kiln.samples.cli;

import dev.kiln.samples.models.Models;
import java.util.Iterator;

/** The model names, for picocli's help and completion. */
final class ModelNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Models.NAMES.iterator();
    }
}
