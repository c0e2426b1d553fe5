package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The cache key and the words the re-trace log uses for what changed. */
class SignatureTest {
    private final TestTensors r = new TestTensors(3);

    record Block(Tensor w, List<Tensor> extras, int stride, String mode) {
    }

    private static Signature of(String backend, Object... args) {
        PyTree.Flat flat = PyTree.flatten(java.util.Arrays.asList(args), "arguments");
        List<TensorType> types = flat.tensors().stream().map(Tensor::type).toList();
        return new Signature(flat.def(), types, backend);
    }

    private static Signature of(Object... args) {
        return of("interpreter", args);
    }

    @Test
    void equalShapesDtypesAndStructureAreOneSignatureWhateverTheValues() {
        assertEquals(of(r.f32(2, 3), 4), of(r.f32(2, 3), 4));
        assertEquals(of(r.f32(2, 3)).hashCode(), of(r.f32(2, 3)).hashCode());
        assertNotEquals(of(r.f32(2, 3)), of(r.f32(2, 3), 4));
        assertNotEquals(of(r.f32(2)), of("jvm", r.f32(2)));
    }

    @Test
    void changesDeepInATreeAreNamedByPathEachOnce() {
        Block before = new Block(r.f32(3, 3), List.of(r.f32(2), r.f32(2)), 1, "same");
        Block after = new Block(r.f64(3, 3), List.of(r.f32(2), r.f32(5)), 2, "valid");
        assertEquals(List.of("arguments[0].w: f32[3,3] -> f64[3,3]", "arguments[0].extras[1]: f32[2] -> f32[5]",
                "arguments[0].stride: 1 (Integer) -> 2 (Integer)", "arguments[0].mode: \"same\" -> \"valid\""),
                of(after).changesFrom(of(before)));
    }

    @Test
    void aSubtreeWhoseKindChangedIsReportedAtItsRootAndTheRestStillLinesUp() {
        Signature before = of(List.of(r.f32(2)), r.f32(7));
        Signature after = of(List.of(r.f32(2), r.f32(2), r.f32(2)), r.f32(8));
        assertEquals(List.of("arguments[0]: List of 1 -> List of 3", "arguments[1]: f32[7] -> f32[8]"),
                after.changesFrom(before));
    }

    @Test
    void mapsAreComparedByKeyAndSortedness() {
        Map<String, Tensor> sorted = new TreeMap<>(Map.of("a", r.f32(1)));
        Signature before = of(sorted);
        assertEquals(List.of("arguments[0]: sorted Map with keys [a] -> Map with keys [a]"),
                of(Map.of("a", r.f32(1))).changesFrom(before));
        assertEquals(List.of("arguments[0][a]: f32[1] -> f32[2]"), of(new TreeMap<>(Map.of("a", r.f32(2)))).changesFrom(before));
    }

    @Test
    void nullAndStaticTypesAreSpelledOut() {
        assertEquals(List.of("arguments[0]: null -> 2 (Long)", "arguments[1]: 2 (Integer) -> f32[1]"),
                of(2L, r.f32(1)).changesFrom(of("interpreter", null, 2)));
    }

    @Test
    void backendChangeComesFirst() {
        assertEquals("backend: interpreter -> jvm; arguments[0]: f32[1] -> f32[2]",
                of("jvm", r.f32(2)).explainChangeFrom(of(r.f32(1))));
    }

    @Test
    void describeListsEveryLeafWithItsPath() {
        assertEquals("arguments[0].w: f32[3,3], arguments[0].extras[0]: f32[2], arguments[1]: f64[4]",
                of(new Block(r.f32(3, 3), List.of(r.f32(2)), 1, "m"), r.f64(4)).describe());
        assertEquals("no tensor arguments", of(3).describe());
    }
}
