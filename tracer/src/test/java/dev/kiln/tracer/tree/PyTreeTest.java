package dev.kiln.tracer.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PyTreeTest {
    private static final Tensor A = Tensor.of(new float[] {1});
    private static final Tensor B = Tensor.of(new float[] {2, 3});
    private static final Tensor C = Tensor.of(new int[] {4});
    private static final Tensor D = Tensor.of(new double[] {5});

    record Linear(Tensor weight, Tensor bias) {
    }

    record Model(Linear fc1, Linear fc2, double dropout, String name) {
    }

    private record Secret(Tensor hidden, Activation act) {
    }

    enum Activation { RELU, TANH }

    @Test
    void recordsFlattenInComponentOrderAndRebuild() {
        Model m = new Model(new Linear(A, B), new Linear(C, D), 0.5, "ffnn");
        PyTree.Flat flat = PyTree.flatten(m);
        assertEquals(List.of(A, B, C, D), flat.leaves());
        assertEquals(4, flat.def().leafCount());
        Object rebuilt = flat.def().unflatten(List.of(D, C, B, A));
        Model r = assertInstanceOf(Model.class, rebuilt);
        assertSame(D, r.fc1().weight());
        assertSame(A, r.fc2().bias());
        assertEquals(0.5, r.dropout());
        assertEquals("ffnn", r.name());
        assertEquals(List.of("p.fc1.weight", "p.fc1.bias", "p.fc2.weight", "p.fc2.bias"), flat.def().leafPaths("p"));
    }

    @Test
    void privateRecordsAndEnumsWork() {
        Secret s = new Secret(A, Activation.TANH);
        PyTree.Flat flat = PyTree.flatten(s);
        assertEquals(List.of(A), flat.leaves());
        Secret r = (Secret) flat.def().unflatten(List.of(B));
        assertSame(B, r.hidden());
        assertEquals(Activation.TANH, r.act());
    }

    @Test
    void listsFlattenInOrderAndRebuildUnmodifiable() {
        List<Object> tree = new ArrayList<>(List.of(A, List.of(B, C), new Linear(D, A)));
        PyTree.Flat flat = PyTree.flatten(tree);
        assertEquals(List.of(A, B, C, D, A), flat.leaves());
        @SuppressWarnings("unchecked")
        List<Object> r = (List<Object>) flat.def().unflatten(flat.leaves());
        assertEquals(List.of(B, C), r.get(1));
        assertThrows(UnsupportedOperationException.class, () -> r.add(A));
        assertEquals(List.of("t[0]", "t[1][0]", "t[1][1]", "t[2].weight", "t[2].bias"), flat.def().leafPaths("t"));
    }

    @Test
    void sortedAndInsertionOrderedMapsKeepTheirOrder() {
        SortedMap<String, Tensor> sorted = new TreeMap<>(Map.of("b", B, "a", A, "c", C));
        PyTree.Flat fs = PyTree.flatten(sorted);
        assertEquals(List.of(A, B, C), fs.leaves());
        Object rs = fs.def().unflatten(List.of(C, B, A));
        assertInstanceOf(SortedMap.class, rs);
        assertSame(C, ((Map<?, ?>) rs).get("a"));

        Map<String, Tensor> linked = new LinkedHashMap<>();
        linked.put("z", A);
        linked.put("y", B);
        PyTree.Flat fl = PyTree.flatten(linked);
        assertEquals(List.of(A, B), fl.leaves());
        Map<?, ?> rl = (Map<?, ?>) fl.def().unflatten(List.of(C, D));
        assertEquals(List.of("z", "y"), new ArrayList<>(rl.keySet()));
        assertSame(D, rl.get("y"));
        assertEquals(List.of("m[z]", "m[y]"), fl.def().leafPaths("m"));
        assertEquals(fl.def(), PyTree.flatten(rl).def(), "a rebuilt map flattens in the same order again");
    }

    @Test
    void unorderedMapsFlattenInKeyOrderSoEqualMapsShareATreeDef() {
        Map<String, Tensor> small = new HashMap<>();
        Map<String, Tensor> big = new HashMap<>(1024);
        for (String k : List.of("w9", "b1", "w10", "a0", "kernel", "bias")) {
            small.put(k, A);
        }
        List<String> reversed = new ArrayList<>(small.keySet());
        java.util.Collections.reverse(reversed);
        for (String k : reversed) {
            big.put(k, A);
        }
        TreeDef def = PyTree.flatten(small).def();
        assertEquals(def, PyTree.flatten(big).def());
        assertEquals(def, PyTree.flatten(Map.copyOf(small)).def());
        assertEquals(List.of("m[a0]", "m[b1]", "m[bias]", "m[kernel]", "m[w10]", "m[w9]"), def.leafPaths("m"));
        Map<String, Tensor> values = Map.of("b", B, "a", A, "c", C);
        assertEquals(List.of(A, B, C), PyTree.flatten(values).leaves());
        assertEquals(values, PyTree.flatten(values).def().unflatten(List.of(A, B, C)));
    }

    @Test
    void staticLeavesArePartOfTheStructure() {
        TreeDef three = PyTree.flatten(List.of(A, 3, "x", true, 'c', DType.F32)).def();
        assertEquals(1, three.leafCount());
        assertEquals(three, PyTree.flatten(List.of(B, 3, "x", true, 'c', DType.F32)).def(), "equal structure, other leaves");
        assertNotEquals(three, PyTree.flatten(List.of(A, 4, "x", true, 'c', DType.F32)).def(), "a static value differs");
        @SuppressWarnings("unchecked")
        List<Object> r = (List<Object>) three.unflatten(List.of(C));
        assertEquals(List.of(C, 3, "x", true, 'c', DType.F32), r);
    }

    @Test
    void nullIsAStaticValue() {
        Linear noBias = new Linear(A, null);
        PyTree.Flat flat = PyTree.flatten(noBias);
        assertEquals(List.of(A), flat.leaves());
        assertEquals(new Linear(B, null), flat.def().unflatten(List.of(B)));
    }

    @Test
    void treeDefsCompareByStructure() {
        assertEquals(PyTree.flatten(new Linear(A, B)).def(), PyTree.flatten(new Linear(C, D)).def());
        assertNotEquals(PyTree.flatten(new Linear(A, B)).def(), PyTree.flatten(List.of(A, B)).def());
        assertNotEquals(PyTree.flatten(Map.of("a", A)).def(), PyTree.flatten(Map.of("b", A)).def());
        assertEquals(PyTree.flatten(List.of(A, B)).def().hashCode(), PyTree.flatten(List.of(C, D)).def().hashCode());
    }

    @Test
    void abstractTypesAreLeaves() {
        TensorType t = TensorType.of(DType.F32, 2, 3);
        PyTree.Flat spec = PyTree.flatten(List.of(t, A));
        assertEquals(List.of(t, A), spec.leaves());
        assertThrows(ClassCastException.class, spec::tensors, "an abstract leaf is not a tensor");
    }

    @Test
    void mapReplacesEveryLeaf() {
        Model m = new Model(new Linear(A, B), new Linear(B, A), 0.1, "m");
        Map<Tensor, Tensor> swap = Map.of(A, C, B, D);
        Model r = (Model) PyTree.map(m, swap::get);
        assertEquals(new Model(new Linear(C, D), new Linear(D, C), 0.1, "m"), r);
        assertEquals(List.of(C, D, D, C), PyTree.leaves(r));
    }

    @Test
    void unsupportedTypeIsAnErrorNamingItsPath() {
        Map<String, Object> tree = new HashMap<>();
        tree.put("layers", List.of(new Linear(A, B), List.of(A, new float[] {1})));
        KilnException e = assertThrows(KilnException.class, () -> PyTree.flatten(tree, "params"));
        assertTrue(e.getMessage().contains("pytree: cannot flatten a [F at params[layers][1][1]"), e.getMessage());
        assertTrue(e.getMessage().contains("records, Lists or Maps"), e.getMessage());
        record Holder(Object thing) {
        }
        KilnException e2 = assertThrows(KilnException.class, () -> PyTree.flatten(new Holder(new StringBuilder()), "arg"));
        assertTrue(e2.getMessage().contains("cannot flatten a java.lang.StringBuilder at arg.thing"), e2.getMessage());
    }

    @Test
    void unflattenChecksTheLeafCount() {
        TreeDef def = PyTree.flatten(List.of(A, B)).def();
        assertThrows(IllegalArgumentException.class, () -> def.unflatten(List.of(A)));
    }

    @Test
    void emptyContainersHaveNoLeaves() {
        assertEquals(0, PyTree.flatten(List.of()).def().leafCount());
        assertEquals(Map.of(), PyTree.flatten(Map.of()).def().unflatten(List.of()));
    }
}
