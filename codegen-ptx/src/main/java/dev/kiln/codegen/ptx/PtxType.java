package dev.kiln.codegen.ptx;

import dev.kiln.ir.DType;

/**
 * PTX register classes: predicates, 32- and 64-bit integers, f32 and f64. Kiln's dtypes live in
 * registers as bool → predicate, i32 → 32-bit, f32, f64; addresses are 64-bit.
 */
enum PtxType {
    PRED("pred", "%p"), B32("b32", "%r"), B64("b64", "%rd"), F32("f32", "%f"), F64("f64", "%fd");

    final String decl;
    final String prefix;

    PtxType(String decl, String prefix) {
        this.decl = decl;
        this.prefix = prefix;
    }

    static PtxType of(DType d) {
        return switch (d) {
            case F32 -> F32;
            case F64 -> F64;
            case I32 -> B32;
            case BOOL -> PRED;
        };
    }

    /** The instruction type suffix for arithmetic on a dtype: {@code f32}, {@code f64}, {@code s32}. */
    static String arith(DType d) {
        return switch (d) {
            case F32 -> "f32";
            case F64 -> "f64";
            case I32, BOOL -> "s32";
        };
    }

    /** The memory access type of a dtype's elements: bool is one byte. */
    static String memory(DType d) {
        return switch (d) {
            case F32 -> "f32";
            case F64 -> "f64";
            case I32 -> "s32";
            case BOOL -> "u8";
        };
    }

    /** Bytes of one element in device memory. */
    static int bytes(DType d) {
        return d == DType.BOOL ? 1 : d.byteSize();
    }
}
