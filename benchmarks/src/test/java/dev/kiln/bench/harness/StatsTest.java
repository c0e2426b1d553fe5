package dev.kiln.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianOfOddCountIsTheMiddleValue() {
        Stats s = Stats.of(5, 1, 3);
        assertEquals(3, s.median());
        assertEquals(1, s.min());
        assertEquals(5, s.max());
        assertEquals(3, s.mean(), 1e-12);
        assertEquals(3, s.n());
    }

    @Test
    void medianOfEvenCountAveragesTheMiddleTwo() {
        assertEquals(2.5, Stats.of(4, 1, 3, 2).median());
    }

    @Test
    void quartilesInterpolateBetweenOrderStatistics() {
        Stats s = Stats.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0));
        assertEquals(2, s.q1(), 1e-12);
        assertEquals(4, s.q3(), 1e-12);
        Stats t = Stats.of(1, 2, 3, 4);
        assertEquals(1.75, t.q1(), 1e-12);
        assertEquals(3.25, t.q3(), 1e-12);
    }

    @Test
    void oneValueIsEveryStatistic() {
        Stats s = Stats.of(7);
        assertEquals(7, s.median());
        assertEquals(7, s.q1());
        assertEquals(7, s.q3());
        assertEquals(0, s.relativeSpread());
    }

    @Test
    void scalingMultipliesEveryValue() {
        Stats s = Stats.of(1, 2, 3).scaled(10);
        assertEquals(20, s.median());
        assertEquals(10, s.min());
        assertEquals(30, s.max());
        assertEquals(3, s.n());
    }

    @Test
    void anEmptySampleIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Stats.of(new double[0]));
    }
}
