package dev.kiln.codegen.jvm.gen;

import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.BIPUSH;
import static org.objectweb.asm.Opcodes.CHECKCAST;
import static org.objectweb.asm.Opcodes.IALOAD;
import static org.objectweb.asm.Opcodes.ICONST_0;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.ISTORE;
import static org.objectweb.asm.Opcodes.SIPUSH;
import static org.objectweb.asm.Opcodes.AALOAD;

import dev.kiln.ir.DType;
import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.Local;
import dev.kiln.ir.kernel.LoopVar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.MethodVisitor;

/**
 * The local variables of one generated {@code run(Object[] arrays, int[] offsets, int from, int to)}
 * method: a typed array and an offset per buffer (loaded once on entry), an int per loop variable,
 * a slot per kernel local (scalar) and per vector value.
 */
final class MethodFrame {
    static final int ARRAYS = 1, OFFSETS = 2, FROM = 3, TO = 4;

    final MethodVisitor mv;
    private int next = 5;
    private final Map<BufferRef, int[]> buffers = new HashMap<>();
    private final Map<LoopVar, Integer> loopVars = new HashMap<>();
    private final Map<Local, Integer> locals = new HashMap<>();

    MethodFrame(MethodVisitor mv) {
        this.mv = mv;
    }

    /** Loads {@code arrays[i]} and {@code offsets[i]} into locals for each buffer, in order. */
    void bindBuffers(List<BufferRef> params) {
        for (int i = 0; i < params.size(); i++) {
            BufferRef b = params.get(i);
            int arr = next++, off = next++;
            mv.visitVarInsn(ALOAD, ARRAYS);
            pushInt(i);
            mv.visitInsn(AALOAD);
            mv.visitTypeInsn(CHECKCAST, JvmTypes.arrayDescriptor(b.dtype()));
            mv.visitVarInsn(ASTORE, arr);
            mv.visitVarInsn(ALOAD, OFFSETS);
            pushInt(i);
            mv.visitInsn(IALOAD);
            mv.visitVarInsn(ISTORE, off);
            buffers.put(b, new int[] {arr, off});
        }
    }

    int arraySlot(BufferRef b) {
        return slotsOf(b)[0];
    }

    int offsetSlot(BufferRef b) {
        return slotsOf(b)[1];
    }

    private int[] slotsOf(BufferRef b) {
        int[] s = buffers.get(b);
        if (s == null) {
            throw new IllegalStateException("buffer " + b + " is not a parameter of this kernel");
        }
        return s;
    }

    int loopVar(LoopVar v) {
        return loopVars.computeIfAbsent(v, x -> next++);
    }

    int local(Local l) {
        Integer s = locals.get(l);
        if (s == null) {
            s = next;
            next += JvmTypes.slots(l.dtype());
            locals.put(l, s);
        }
        return s;
    }

    /** A fresh slot of {@code n} words. */
    int fresh(int n) {
        int s = next;
        next += n;
        return s;
    }

    int fresh(DType d) {
        return fresh(JvmTypes.slots(d));
    }

    void pushInt(int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    void loadInt(int slot) {
        mv.visitVarInsn(ILOAD, slot);
    }
}
