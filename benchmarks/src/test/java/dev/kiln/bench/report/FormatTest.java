package dev.kiln.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FormatTest {
    @Test
    void numbersKeepThreeSignificantFigures() {
        assertEquals("1.23", Format.sig(1.23456));
        assertEquals("0.0123", Format.sig(0.0123456));
        assertEquals("123", Format.sig(123.456));
        assertEquals("12346", Format.sig(12345.6));
        assertEquals("-2.50", Format.sig(-2.5));
        assertEquals("0", Format.sig(0));
        assertEquals("", Format.sig(Double.NaN));
        assertEquals("inf", Format.sig(Double.POSITIVE_INFINITY));
    }

    @Test
    void cellsFormatByType() {
        assertEquals("", Format.cell(null));
        assertEquals("42", Format.cell(42));
        assertEquals("7", Format.cell(7L));
        assertEquals("1.50", Format.cell(1.5));
        assertEquals("text", Format.cell("text"));
    }

    @Test
    void ratiosAndBytes() {
        assertEquals("1.37x", Format.ratio(1.3712));
        assertEquals("", Format.ratio(Double.NaN));
        assertEquals("1.00 GiB", Format.bytes(1L << 30));
        assertEquals("512 MiB", Format.bytes(512L << 20));
    }

    @Test
    void sizesParseWithUnits() {
        assertEquals(1L << 30, Format.parseBytes("1g"));
        assertEquals(1L << 30, Format.parseBytes("1GiB"));
        assertEquals(512L << 20, Format.parseBytes("512m"));
        assertEquals(3L << 29, Format.parseBytes("1.5G"));
        assertEquals(1000, Format.parseBytes("1000"));
        assertEquals(2048, Format.parseBytes("2k"));
        assertThrows(IllegalArgumentException.class, () -> Format.parseBytes("lots"));
        assertThrows(IllegalArgumentException.class, () -> Format.parseBytes("-1g"));
    }
}
