package dev.kiln.codegen.jvm.gen;

import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.V25;

import dev.kiln.ir.kernel.BufferRef;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.kernel.Stmt;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;

/**
 * Writes the class file of one loop kernel: a final class implementing {@link CompiledLoop} whose
 * {@code run} loads each buffer's array and offset into locals, then runs the kernel body, the
 * outermost parallel loop over {@code [from, to)}. The loop over the contiguous dimension is
 * rendered with the Vector API where {@link VectorPlan} allows (see {@link VectorCode}).
 */
public final class LoopClassGenerator {
    static final String PACKAGE = "dev/kiln/codegen/jvm/gen/";
    private static final String INTERFACE = PACKAGE + "CompiledLoop";

    private LoopClassGenerator() {
    }

    /**
     * The class file for {@code kernel}, with its buffers bound in the order of {@code params}.
     *
     * @param vectorize whether to use the Vector API (false: scalar code only)
     */
    public static byte[] generate(LoopKernel kernel, String simpleName, List<BufferRef> params, boolean vectorize) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Frames only ever merge arrays, vectors and masks of one kind; never load generated classes.
                return a.equals(b) ? a : "java/lang/Object";
            }
        };
        String name = PACKAGE + simpleName;
        cw.visit(V25, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", new String[] {INTERFACE});
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "run", "([Ljava/lang/Object;[III)V", null, null);
        mv.visitCode();
        MethodFrame frame = new MethodFrame(mv);
        frame.bindBuffers(params);
        VectorPlan plan = vectorize ? VectorPlan.of(kernel) : null;
        ScalarCode code = plan == null ? new ScalarCode(frame) : new VectorCode(frame, plan);
        for (Stmt s : kernel.body()) {
            if (s instanceof Stmt.Loop l && l.parallel()) {
                code.loop(l, new int[] {MethodFrame.FROM, MethodFrame.TO});
            } else {
                code.stmt(s);
            }
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
