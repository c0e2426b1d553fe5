package dev.kiln.tracer.nn;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A single-layer LSTM with {@code torch.nn.LSTM}'s parameter layout: {@code weightIh [4H, I]},
 * {@code weightHh [4H, H]}, {@code biasIh [4H]}, {@code biasHh [4H]}, the four row blocks being
 * the gates i, f, g, o (input, forget, cell candidate, output). One step computes
 * <pre>
 *   gates = x W_ih^T + (b_ih + b_hh) + h W_hh^T
 *   c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
 *   h' = sigmoid(o) * tanh(c')
 * </pre>
 * {@link #run} unrolls the steps over a time-major sequence in the traced graph.
 */
public record Lstm(Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh) {

    /** The hidden and cell state after a step, each {@code [B, H]}. */
    public record State(Tensor h, Tensor c) {
    }

    /** A layer initialised as PyTorch's: every parameter uniform on {@code [-1/sqrt(H), 1/sqrt(H))}. */
    public static Lstm init(Tensor key, int inputSize, int hiddenSize) {
        return init(key, inputSize, hiddenSize, DType.F32);
    }

    public static Lstm init(Tensor key, int inputSize, int hiddenSize, DType dtype) {
        List<Tensor> k = Random.splitList(key, 4);
        double b = 1 / Math.sqrt(hiddenSize);
        int g = 4 * hiddenSize;
        return new Lstm(Random.uniform(k.get(0), new int[] {g, inputSize}, -b, b, dtype),
                Random.uniform(k.get(1), new int[] {g, hiddenSize}, -b, b, dtype),
                Random.uniform(k.get(2), new int[] {g}, -b, b, dtype),
                Random.uniform(k.get(3), new int[] {g}, -b, b, dtype));
    }

    public int inputSize() {
        return weightIh.dim(1);
    }

    public int hiddenSize() {
        return weightHh.dim(1);
    }

    /**
     * One step: input {@code x [B, I]} and state {@code h, c [B, H]} to the next state. Any number
     * of leading batch dimensions works, none included ({@code x [I]}, {@code h, c [H]}).
     */
    public State step(Tensor x, Tensor h, Tensor c) {
        checkParameters();
        if (x.rank() < 1 || x.dim(-1) != inputSize()) {
            throw error("input must be [B, " + inputSize() + "], got " + x.type());
        }
        int[] state = x.dims();
        state[state.length - 1] = hiddenSize();
        if (!Arrays.equals(h.dims(), state) || !Arrays.equals(c.dims(), state)) {
            throw error("h and c must be " + Shape.of(state) + " for input " + x.type() + ", got "
                    + h.type() + " and " + c.type());
        }
        return cell(inputGates(x), h, c);
    }

    /**
     * Runs the sequence {@code x [T, B, I]} (time-major, as torch.nn.LSTM without
     * {@code batch_first}) from a zero state and returns every step's hidden state,
     * {@code [T, B, H]}. An unbatched sequence {@code [T, I]} gives {@code [T, H]}, which is what a
     * per-example function under vmap sees. The input projection of all steps is one contraction;
     * the recurrence is unrolled, T steps in the graph.
     */
    public Tensor run(Tensor x) {
        checkParameters();
        if (x.rank() < 2 || x.dim(-1) != inputSize()) {
            throw error("input must be time-major [T, B, " + inputSize() + "] or [T, " + inputSize() + "], got " + x.type());
        }
        int steps = x.dim(0);
        int[] state = x.shape().without(0).toArray();
        state[state.length - 1] = hiddenSize();
        Tensor projected = inputGates(x);
        DType dt = projected.dtype();
        State s = new State(Tensor.zeros(dt, state), Tensor.zeros(dt, state));
        List<Tensor> hs = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            s = cell(projected.index(0, t), s.h(), s.c());
            hs.add(s.h());
        }
        return Tensor.stack(0, hs);
    }

    /**
     * The input's share of the gates, {@code x W_ih^T + (b_ih + b_hh)}: both biases join the input
     * projection, which {@link #run} computes for every step at once, so a step adds no bias (and
     * its gradient sums the gates' cotangents once over all steps, not once a step). PyTorch's
     * cuDNN LSTM folds the biases the same way; the sum differs from adding them separately only
     * in rounding.
     */
    private Tensor inputGates(Tensor x) {
        return project(x, weightIh, biasIh.add(biasHh));
    }

    private State cell(Tensor xGates, Tensor h, Tensor c) {
        int n = hiddenSize();
        Tensor gates = xGates.add(Tensor.dotGeneral(h, weightHh, new int[] {h.rank() - 1}, new int[] {1}, new int[0], new int[0]));
        Tensor i = gates.slice(-1, 0, n).sigmoid();
        Tensor f = gates.slice(-1, n, 2 * n).sigmoid();
        Tensor g = gates.slice(-1, 2 * n, 3 * n).tanh();
        Tensor o = gates.slice(-1, 3 * n, 4 * n).sigmoid();
        Tensor c2 = f.mul(c).add(i.mul(g));
        return new State(o.mul(c2.tanh()), c2);
    }

    /** {@code x W^T + b} over x's last dimension. */
    private static Tensor project(Tensor x, Tensor w, Tensor b) {
        return Tensor.dotGeneral(x, w, new int[] {x.rank() - 1}, new int[] {1}, new int[0], new int[0]).add(b);
    }

    private void checkParameters() {
        int h = weightHh.rank() == 2 ? weightHh.dim(1) : -1;
        boolean ok = h > 0 && weightHh.dim(0) == 4 * h && weightIh.rank() == 2 && weightIh.dim(0) == 4 * h
                && biasIh.rank() == 1 && biasIh.dim(0) == 4 * h && biasHh.rank() == 1 && biasHh.dim(0) == 4 * h;
        if (!ok) {
            throw error("parameters must be weightIh [4H, I], weightHh [4H, H], biasIh [4H], biasHh [4H], got "
                    + weightIh.type() + ", " + weightHh.type() + ", " + biasIh.type() + ", " + biasHh.type());
        }
    }

    private static KilnException error(String detail) {
        return new KilnException("Lstm", detail, SourceLocation.ofCaller(), null);
    }
}
