package dev.kiln.vmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** vmap's errors name the arguments, leaf paths, axes and shapes involved. */
class VmapErrorsTest {
    record Params(Tensor w, Tensor b) {
    }

    private static final FnN ADD = ((Fn2<Tensor, Tensor, Tensor>) Tensor::add).erase();

    private static KilnException call(FnN f, Object... args) {
        return assertThrows(KilnException.class, () -> f.apply(List.of(args)));
    }

    @Test
    void mappedAxesOfDifferentSizesAreAnError() {
        KilnException e = call(Vmap.vmap(ADD), Tensor.zeros(128, 3), Tensor.zeros(64, 3));
        assertEquals("vmap", e.operation());
        assertEquals("mapped axes have different sizes: argument 1 axis 0 has 128, argument 2 axis 0 has 64", e.detail());
    }

    @Test
    void differentSizesInsideATreeNameTheLeafPath() {
        FnN f = ((Fn2<Params, Tensor, Tensor>) (p, x) -> x.mul(p.w()).add(p.b())).erase();
        KilnException e = call(Vmap.vmap(f, Vmap.in(Map.of("w", 1, "b", 0), 0)),
                new Params(Tensor.zeros(3, 5), Tensor.zeros(4)), Tensor.zeros(5, 3));
        assertEquals("mapped axes have different sizes: argument 1 at .w axis 1 has 5, argument 1 at .b axis 0 has 4, "
                + "argument 2 axis 0 has 5", e.detail());
    }

    @Test
    void inAxisOutOfRangeNamesArgumentAxisAndShape() {
        KilnException e = call(Vmap.vmap(ADD, Vmap.in(0, 2)), Tensor.zeros(4, 3), Tensor.zeros(4, 3));
        assertEquals("in axis 2 is out of range for argument 2 of type f32[4,3] (rank 2)", e.detail());
        assertTrue(e.hint().contains("-2..1"), e.hint());
        KilnException neg = call(Vmap.vmap(ADD, Vmap.in(-3, 0)), Tensor.zeros(4, 3), Tensor.zeros(4, 3));
        assertEquals("in axis -3 is out of range for argument 1 of type f32[4,3] (rank 2)", neg.detail());
    }

    @Test
    void mappingAScalarIsAnError() {
        KilnException e = call(Vmap.vmap(ADD), Tensor.scalar(1), Tensor.zeros(4));
        assertTrue(e.detail().startsWith("in axis 0 is out of range for argument 1 of type f32[]"), e.detail());
    }

    @Test
    void inAxesNotMatchingTheArgumentNameIt() {
        FnN f = ((Fn1<List<Tensor>, Tensor>) xs -> xs.get(0).add(xs.get(1))).erase();
        KilnException e = call(Vmap.vmap(f, Vmap.in(List.of(0, 0, 0))), List.of(Tensor.zeros(2), Tensor.zeros(2)));
        assertEquals("in_axes for argument 1 do not match the structure: there it is a List of 2, but the axes give "
                + "a List of 3 [0, 0, 0]", e.detail());
        KilnException leaf = call(Vmap.vmap(ADD, Vmap.in(0, List.of(0))), Tensor.zeros(2), Tensor.zeros(2));
        assertTrue(leaf.detail().startsWith("in_axes for argument 2 do not match the structure: there it is a tensor"),
                leaf.detail());
        KilnException record = call(Vmap.vmap(((Fn1<Params, Tensor>) Params::w).erase(), Vmap.in(Map.of("w", 0))),
                new Params(Tensor.zeros(2), Tensor.zeros(2)));
        assertTrue(record.detail().contains("at top level") || record.detail().contains("a Params record"), record.detail());
    }

    @Test
    void inAxesWithTheWrongNumberOfEntriesIsAnError() {
        KilnException e = call(Vmap.vmap(ADD, Vmap.in(0, 0, 0)), Tensor.zeros(2), Tensor.zeros(2));
        assertEquals("in_axes has 3 entries [0, 0, 0] but the function was called with 2 arguments", e.detail());
    }

    @Test
    void noMappedArgumentIsAnError() {
        KilnException e = call(Vmap.vmap(ADD, null), Tensor.zeros(2), Tensor.zeros(2));
        assertTrue(e.detail().startsWith("no argument is mapped"), e.detail());
    }

    @Test
    void nonIntegerAxisIsAnError() {
        KilnException e = call(Vmap.vmap(ADD, Vmap.in(0, 1.5)), Tensor.zeros(2), Tensor.zeros(2));
        assertEquals("in_axes for argument 2: an axis must be an Integer or null, got Double 1.5", e.detail());
    }

    @Test
    void outAxisOutOfRangeIsAnError() {
        KilnException e = call(Vmap.vmap(ADD, 0, 2), Tensor.zeros(4, 3), Tensor.zeros(4, 3));
        assertEquals("out axis 2 is out of range for result (f32[3] per example, rank 2 once batched)", e.detail());
    }

    @Test
    void unmappedOutAxisOfABatchedResultIsAnError() {
        FnN f = ((Fn2<Tensor, Tensor, List<Tensor>>) (x, y) -> List.of(y.exp(), x.exp())).erase();
        KilnException e = call(Vmap.vmap(f, Vmap.in(0, null), Vmap.in(null, null)), Tensor.zeros(4, 3), Tensor.zeros(3));
        assertEquals("result[1] (f32[3] per example) depends on a mapped input, so it cannot be returned unmapped "
                + "(out axis null)", e.detail());
    }

    @Test
    void inAxesOfAnUnsupportedKindAreRejectedAtOnce() {
        KilnException e = assertThrows(KilnException.class, () -> Vmap.vmap(ADD, "zero"));
        assertTrue(e.detail().startsWith("in_axes must be an Integer, null, or a List"), e.detail());
    }
}
