package dev.kiln.ir.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdxTest {
    private final LoopVar i = new LoopVar(0, "i", 5), j = new LoopVar(1, "j", 8), f = new LoopVar(2, "f", 40);

    @Test
    void quotientAndRemainderOfARowMajorPositionAreItsCoordinates() {
        Idx flat = Idx.of(i).times(8).plus(Idx.of(j));
        assertEquals(Idx.of(i), flat.div(8));
        assertEquals(Idx.of(j), flat.mod(8));
    }

    @Test
    void coordinatesOfAFlatIndexRecombineIntoIt() {
        Idx q = Idx.of(f).div(8), r = Idx.of(f).mod(8);
        assertEquals(Idx.of(f), q.times(8).plus(r));
        assertEquals(Idx.of(f).times(3), q.times(24).plus(r.times(3)));
    }

    @Test
    void nestedQuotientsAndRemaindersSimplify() {
        assertEquals(Idx.of(f).div(16), Idx.of(f).div(8).div(2));
        assertEquals(Idx.of(f).mod(4), Idx.of(f).mod(8).mod(4));
        assertEquals(Idx.zero(), Idx.of(j).div(8));
        assertEquals(Idx.of(j), Idx.of(j).mod(8));
    }

    @Test
    void reshapeThereAndBackIsTheIdentity() {
        List<Idx> out = List.of(Idx.of(i), Idx.of(j));
        List<Idx> flat = IndexMaps.reshape(Shape.of(5, 8), Shape.of(40), out);
        List<Idx> back = IndexMaps.reshape(Shape.of(40), Shape.of(5, 8), flat);
        assertEquals(out, back);
        List<Idx> split = IndexMaps.reshape(Shape.of(5, 8), Shape.of(5, 2, 4), out);
        assertEquals(List.of(Idx.of(i), Idx.of(j).div(4), Idx.of(j).mod(4)), split);
    }

    @Test
    void quotientsOfPossiblyNegativeValuesStayUnsimplified() {
        Idx e = Idx.of(j).plus(-3);
        assertTrue(e.div(2).terms().keySet().iterator().next() instanceof Idx.Div);
        assertEquals(new Idx.Range(-3, 4), e.range());
    }

    @Test
    void substitutionResimplifies() {
        Idx flat = Idx.of(i).times(8).plus(Idx.of(j));
        Idx s = flat.substitute(i, Idx.of(f).div(8)).substitute(j, Idx.of(f).mod(8));
        assertEquals(Idx.of(f), s);
    }
}
