package dev.kiln.codegen.jvm.gen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceClassVisitor;

/** Defines generated kernel classes as hidden classes of this package, and prints them for dumps. */
public final class HiddenClasses {
    private HiddenClasses() {
    }

    /** Defines {@code bytes} (a class in this package implementing {@link CompiledLoop}) and returns an instance. */
    public static CompiledLoop define(byte[] bytes) {
        try {
            MethodHandles.Lookup h = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (CompiledLoop) h.findConstructor(h.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("kiln: cannot define generated kernel class", t);
        }
    }

    /** The class as readable bytecode (ASM's Textifier). */
    public static String text(byte[] bytes) {
        StringWriter out = new StringWriter();
        new ClassReader(bytes).accept(new TraceClassVisitor(null, new Textifier(), new PrintWriter(out)), 0);
        return out.toString();
    }
}
