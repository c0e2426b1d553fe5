package dev.kiln.codegen.jvm.gen;

import static org.objectweb.asm.Opcodes.BALOAD;
import static org.objectweb.asm.Opcodes.BASTORE;
import static org.objectweb.asm.Opcodes.DALOAD;
import static org.objectweb.asm.Opcodes.DASTORE;
import static org.objectweb.asm.Opcodes.DLOAD;
import static org.objectweb.asm.Opcodes.DSTORE;
import static org.objectweb.asm.Opcodes.FALOAD;
import static org.objectweb.asm.Opcodes.FASTORE;
import static org.objectweb.asm.Opcodes.FLOAD;
import static org.objectweb.asm.Opcodes.FSTORE;
import static org.objectweb.asm.Opcodes.IALOAD;
import static org.objectweb.asm.Opcodes.IASTORE;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.ISTORE;

import dev.kiln.ir.DType;

/** How each IR dtype lives in the JVM: array type, local-variable and array opcodes (bool is an int 0/1 in locals). */
final class JvmTypes {
    private JvmTypes() {
    }

    static String arrayDescriptor(DType d) {
        return switch (d) {
            case F32 -> "[F";
            case F64 -> "[D";
            case I32 -> "[I";
            case BOOL -> "[Z";
        };
    }

    static String descriptor(DType d) {
        return switch (d) {
            case F32 -> "F";
            case F64 -> "D";
            case I32 -> "I";
            case BOOL -> "Z";
        };
    }

    static int slots(DType d) {
        return d == DType.F64 ? 2 : 1;
    }

    static int load(DType d) {
        return switch (d) {
            case F32 -> FLOAD;
            case F64 -> DLOAD;
            case I32, BOOL -> ILOAD;
        };
    }

    static int store(DType d) {
        return switch (d) {
            case F32 -> FSTORE;
            case F64 -> DSTORE;
            case I32, BOOL -> ISTORE;
        };
    }

    static int arrayLoad(DType d) {
        return switch (d) {
            case F32 -> FALOAD;
            case F64 -> DALOAD;
            case I32 -> IALOAD;
            case BOOL -> BALOAD;
        };
    }

    static int arrayStore(DType d) {
        return switch (d) {
            case F32 -> FASTORE;
            case F64 -> DASTORE;
            case I32 -> IASTORE;
            case BOOL -> BASTORE;
        };
    }
}
