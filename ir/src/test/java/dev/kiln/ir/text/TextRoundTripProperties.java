package dev.kiln.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.verify.GraphEquivalence;
import dev.kiln.ir.verify.Verifier;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TextRoundTripProperties {

    @Provide
    Arbitrary<RandomPrograms.Options> options() {
        RandomPrograms.Options d = RandomPrograms.Options.defaults();
        return Arbitraries.of(d, d.withMaxEquations(30).withMaxDim(6), d.withFloatType(DType.F64),
                d.onlyDifferentiable().withFloatType(DType.F64));
    }

    @Property(tries = 400)
    void printThenParseIsIdentity(@ForAll long seed, @ForAll("options") RandomPrograms.Options o) {
        Graph g = RandomPrograms.generate(new Random(seed), o);
        String text = GraphPrinter.print(g);
        Graph back = GraphParser.parse(text);
        assertEquals(text, GraphPrinter.print(back));
        assertEquals(Optional.empty(), GraphEquivalence.difference(g, back));
        Verifier.verify(back);
    }

    @Property(tries = 200)
    void fullSourcesAndStageHeaderRoundTrip(@ForAll long seed) {
        Random rnd = new Random(seed);
        Graph g = withRandomSources(RandomPrograms.generate(rnd, RandomPrograms.Options.defaults()), rnd);
        GraphPrinter.Options full = GraphPrinter.Options.DEFAULT.withSources(GraphPrinter.Sources.FULL)
                .withStage("jit(vmap(grad(loss))) in_axes=(-,0,0)");
        String text = GraphPrinter.print(g, full);
        Graph back = GraphParser.parse(text);
        assertEquals(Optional.empty(), GraphEquivalence.difference(g, back));
        assertEquals(text, GraphPrinter.print(back, full));
    }

    @Property(tries = 100)
    void shortSourcesRoundTripAsText(@ForAll long seed) {
        Random rnd = new Random(seed);
        Graph g = withRandomSources(RandomPrograms.generate(rnd, RandomPrograms.Options.defaults()), rnd);
        GraphPrinter.Options shortSources = GraphPrinter.Options.DEFAULT.withSources(GraphPrinter.Sources.SHORT);
        String text = GraphPrinter.print(g, shortSources);
        assertEquals(text, GraphPrinter.print(GraphParser.parse(text), shortSources));
    }

    private static Graph withRandomSources(Graph g, Random rnd) {
        List<String> classes = List.of("dev.example.Model", "Model", "com.acme.nn.Mlp$Layer", "a.b.C$1");
        List<String> methods = List.of("loss", "lambda$main$0", "<init>", "apply");
        List<Equation> eqs = g.equations().stream().map(e -> rnd.nextInt(4) == 0 ? e
                : new Equation(e.primitive(), e.inputs(), e.out(), new SourceLocation(
                        classes.get(rnd.nextInt(classes.size())), methods.get(rnd.nextInt(methods.size())),
                        rnd.nextBoolean() ? "Model.java" : "unknown", rnd.nextInt(2000) - 1))).toList();
        return new Graph(g.inputs(), g.constants(), eqs, g.outputs());
    }
}
