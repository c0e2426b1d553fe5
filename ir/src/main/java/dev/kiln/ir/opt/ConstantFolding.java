package dev.kiln.ir.opt;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.interp.Interpreter;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates, at compile time and with the reference interpreter, every equation whose operands
 * are all constants or literals and whose result is small; the result becomes a graph constant
 * (keeping the equation's output variable). Large results are left to the kernels, which compute
 * them faster than a constant can be read, and keep the compiled code small.
 */
public final class ConstantFolding implements GraphPass {
    /** Results up to this many elements are folded. */
    public static final int MAX_FOLDED_ELEMENTS = 1024;

    private final int maxElements;

    public ConstantFolding() {
        this(MAX_FOLDED_ELEMENTS);
    }

    public ConstantFolding(int maxElements) {
        this.maxElements = maxElements;
    }

    @Override
    public String name() {
        return "fold";
    }

    @Override
    public Graph run(Graph g) {
        Rewriter rw = new Rewriter(g);
        for (Equation eq : g.equations()) {
            List<Atom> in = rw.resolveAll(eq.inputs());
            ArrayData value = eq.out().type().numel() <= maxElements && in.stream().allMatch(rw::isConstant)
                    ? tryEvaluate(eq, in, rw) : null;
            if (value == null) {
                rw.keep(eq, in);
            } else {
                rw.addConstant(new Constant(eq.out(), value));
                rw.markChanged();
            }
        }
        return rw.changed() ? rw.build() : g;
    }

    /** The equation's value, or null when evaluating it fails (the error then surfaces at run time). */
    private static ArrayData tryEvaluate(Equation eq, List<Atom> in, Rewriter rw) {
        List<ArrayData> operands = new ArrayList<>(in.size());
        for (Atom a : in) {
            operands.add(a instanceof Literal l ? ArrayData.scalar(l.value(), l.dtype()) : rw.constantOf(a).value());
        }
        try {
            ArrayData v = Interpreter.evaluate(eq.primitive(), operands);
            return v.type().equals(eq.out().type()) ? v : null;
        } catch (KilnException e) {
            return null;
        }
    }
}
