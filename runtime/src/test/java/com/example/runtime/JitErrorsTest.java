package com.example.runtime;

import static com.example.runtime.UserLines.pointsAt;
import static com.example.runtime.UserLines.says;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.runtime.JitOptions;
import dev.kiln.runtime.JittedFunction;
import dev.kiln.runtime.Kiln;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Linear;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The errors a user can make with jit name what went wrong, the jitted function and, where there
 * is one, the user's own line (here: this file).
 */
class JitErrorsTest {
    private static final String FILE = "JitErrorsTest.java";
    private static final JitOptions STEP = JitOptions.defaults().onBackend("interpreter").named("step");
    private static final Tensor X = Tensor.of(new float[] {1, 2, 3});

    /** Where a jitted function leaks its tracer to. */
    private Tensor leaked;

    record Holder(Tensor value, Optional<Tensor> maybe) {
    }

    record Config(Tensor w, String name, int size) {
    }

    @Test
    void returningAStringNamesTheResultPath() {
        Fn1<Tensor, Object> f = x -> List.of(x.exp(), "done");
        KilnException e = assertThrows(KilnException.class, () -> Kiln.jit(f, STEP).apply(X));
        says(e, "jit(step)", "result[1] is a String (\"done\"), not a Tensor", "hint: a jitted function returns Tensors");
    }

    @Test
    void returningAJavaNumberNamesTheResultPath() {
        Fn1<Tensor, Object> f = x -> 3.0;
        KilnException e = assertThrows(KilnException.class, () -> Kiln.jit(f, STEP).apply(X));
        says(e, "jit(step)", "result is a Double (3.0), not a Tensor");
    }

    @Test
    void returningAnOptionalNamesTheResultPath() {
        Fn1<Tensor, Object> f = x -> new Holder(x, Optional.of(x));
        KilnException e = assertThrows(KilnException.class, () -> Kiln.jit(f, STEP).apply(X));
        says(e, "pytree", "cannot flatten a java.util.Optional at result of jit(step).maybe");
    }

    @Test
    void staticRecordComponentsComeBackUnchanged() {
        Fn1<Config, Config> f = c -> new Config(c.w().mul(2), c.name() + "!", c.size() + 1);
        Config out = Kiln.jit(f, STEP).apply(new Config(X, "w", 3));
        assertEquals("w!", out.name());
        assertEquals(4, out.size());
        assertEquals(6f, out.w().toFloatArray()[2]);
    }

    @Test
    void callingWithTheWrongNumberOfArgumentsSaysHowMany() {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.add(y);
        JittedFunction j = Kiln.jitN(f.erase(), STEP);
        int line = UserLines.line() + 1;
        KilnException e = assertThrows(KilnException.class, () -> j.apply(List.of(X)));
        says(e, "call", "function takes 2 arguments, got 1");
        pointsAt(e, FILE, line);
        assertEquals(0, j.cacheSize());
    }

    @Test
    void abstractArgumentsAreRejectedWithAHint() {
        JittedFunction j = Kiln.jitN(args -> args.get(0), STEP);
        KilnException e = assertThrows(KilnException.class, () -> j.apply(List.of(TensorType.of(DType.F32, 3))));
        says(e, "jit(step)", "arguments must be Tensors", "Kiln.makeGraph");
    }

    @Test
    void aTracerStoredInAFieldHasEscapedWhenUsedLater() {
        Fn1<Tensor, Tensor> f = x -> {
            leaked = x.mul(2);
            return x;
        };
        Kiln.jit(f, STEP).apply(X);
        int line = UserLines.line() + 1;
        KilnException e = assertThrows(KilnException.class, () -> leaked.add(1));
        says(e, "trace", "a traced f32[3] from jit(step) was used outside it after that trace ended",
                "hint: traced values live only while their function runs");
        pointsAt(e, FILE, line);
    }

    @Test
    void anEscapedTracerPassedToAJittedFunctionNamesItsTrace() {
        Fn1<Tensor, Tensor> f = x -> {
            leaked = x;
            return x.neg();
        };
        Kiln.jit(f, STEP).apply(X);
        // Even an identity function, which runs no equation, must not hand the dead tracer back.
        Fn1<Tensor, Tensor> identity = Kiln.jit(x -> x, STEP.named("identity"));
        int line = UserLines.line() + 1;
        KilnException e = assertThrows(KilnException.class, () -> identity.apply(leaked));
        says(e, "trace", "from jit(step)", "after that trace ended");
        pointsAt(e, FILE, line);
    }

    @Test
    void anEscapedTracerUsedUnderAnotherJitNamesBothTraces() {
        Fn1<Tensor, Tensor> f = x -> {
            leaked = x;
            return x.neg();
        };
        Kiln.jit(f, STEP).apply(X);
        Fn1<Tensor, Tensor> g = Kiln.jit(y -> y.add(leaked), STEP.named("other"));
        KilnException e = assertThrows(KilnException.class, () -> g.apply(X));
        says(e, "trace", "from jit(step) was used in jit(other) after that trace ended");
    }

    @Test
    void itemInsideJitNamesItemTheJitAndTheLine() {
        int[] line = new int[1];
        Fn1<Tensor, Tensor> f = x -> {
            line[0] = UserLines.line(); double total = x.sum().item();
            return x.mul(total);
        };
        KilnException e = assertThrows(KilnException.class, () -> Kiln.jit(f, STEP).apply(X));
        says(e, "item()", "cannot read the value of a traced f32[] inside jit(step)", "Tensor.where");
        pointsAt(e, FILE, line[0]);
    }

    @Test
    void theDefaultLabelIsTheLineOfTheJitCall() {
        int line = UserLines.line() + 1;
        Fn1<Tensor, Tensor> jf = Kiln.jit((Tensor x) -> Tensor.scalar(x.sum().item()));
        KilnException e = assertThrows(KilnException.class, () -> jf.apply(X));
        says(e, "item()", "inside jit(" + FILE + ":" + line + ")");
    }

    @Test
    void aShapeErrorInsideJitNamesTheOpTheShapesAndTheLine() {
        int[] line = new int[1];
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> {
            line[0] = UserLines.line(); return x.matmul(w);
        };
        Tensor x = Tensor.zeros(8, 104);
        Tensor w = Tensor.zeros(50, 2);
        KilnException e = assertThrows(KilnException.class, () -> Kiln.jit(f, STEP).apply(x, w));
        says(e, "matmul", "inner dimensions do not match: f32[8,104] @ f32[50,2]");
        pointsAt(e, FILE, line[0]);
    }

    @Test
    void aShapeRuleErrorInsideJitPointsAtTheUsersLineNotAtKiln() {
        int[] line = new int[1];
        Fn2<Linear, Tensor, Tensor> f = (layer, x) -> {
            Tensor h = layer.apply(x);
            line[0] = UserLines.line(); return Tensor.concat(0, h, x);
        };
        Linear layer = new Linear(Tensor.zeros(4, 3), Tensor.zeros(4));
        KilnException e = assertThrows(KilnException.class, () -> Kiln.jit(f, STEP).apply(layer, Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("f32[2,4]") && e.getMessage().contains("f32[2,3]"), e.getMessage());
        pointsAt(e, FILE, line[0]);
    }

    @Test
    void theSameErrorRepeatsOnTheNextCallBecauseFailuresAreNotCached() {
        int[] line = new int[1];
        Fn1<Tensor, Tensor> f = x -> {
            line[0] = UserLines.line(); return x.reshape(2, 2);
        };
        Fn1<Tensor, Tensor> jf = Kiln.jit(f, STEP);
        KilnException first = assertThrows(KilnException.class, () -> jf.apply(X));
        KilnException second = assertThrows(KilnException.class, () -> jf.apply(X));
        assertEquals(first.getMessage(), second.getMessage());
        pointsAt(second, FILE, line[0]);
    }

    @Test
    void anUnknownBackendListsTheKnownOnesAndPointsAtTheCall() {
        int line = UserLines.line() + 1;
        KilnException e = assertThrows(KilnException.class, () -> Kiln.setBackend("tpu"));
        says(e, "backend", "unknown backend 'tpu'", "known backends:", "interpreter (available)");
        pointsAt(e, FILE, line);
    }
}
