package dev.kiln.bench.report;

import dev.kiln.bench.harness.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code benchmarks/RESULTS.md}: a header naming the machine, the commit and how to regenerate
 * the figures, then the Markdown sections the commands wrote under the results folder
 * ({@code paper.md}, {@code compare.md}, {@code jmh.md}), each with its own measurement line.
 */
public final class ResultsDocument {
    /** The sections, in order, with what to say when one is missing. */
    static final List<String[]> SECTIONS = List.of(
            new String[] {"paper.md", "The paper's tables: not measured yet (`./kiln bench paper`)."},
            new String[] {"compare.md", "PyTorch comparison: not measured yet (`./kiln bench compare`)."},
            new String[] {"first_call.md", "Cold first calls: not measured yet (`./kiln bench coldstart`)."},
            new String[] {"jmh.md", "JMH suite: not measured yet (`./kiln bench jmh`)."});

    private ResultsDocument() {
    }

    /**
     * The document.
     *
     * @param notes lines for the header's notes (status of backends, load, what is provisional)
     */
    public static String compose(Path resultsDir, Machine machine, String commit, String command, List<String> notes)
            throws IOException {
        StringBuilder sb = new StringBuilder("# Kiln benchmark results\n\n");
        sb.append("The latest figures, as measured by `").append(command).append("` (finished ").append(machine.date())
                .append(", commit ").append(commit).append(").\n\n");
        sb.append("Machine: ").append(machine.describe()).append(".\n\n");
        sb.append("Regenerate everything with `./kiln bench results` (a full run: all six models, batch sizes 16-256, "
                + "the ablation, Table 4, the PyTorch comparison and the JMH suite), or `./kiln bench results --quick` "
                + "(a couple of minutes). Charts and CSV files are in `benchmarks/results/`.\n\n");
        if (!notes.isEmpty()) {
            sb.append("Notes on this run:\n\n");
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
            sb.append('\n');
        }
        for (String[] s : SECTIONS) {
            Path p = resultsDir.resolve(s[0]);
            if (Files.isRegularFile(p)) {
                sb.append(demote(Files.readString(p).strip())).append("\n\n");
            } else {
                sb.append(s[1]).append("\n\n");
            }
        }
        return sb.toString().strip() + "\n";
    }

    /** The sections' own headings stay as they are (## and ###); only trailing space is trimmed. */
    static String demote(String section) {
        return section.lines().map(String::stripTrailing).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
