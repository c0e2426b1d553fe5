package dev.kiln.samples.train;

import dev.kiln.ir.KilnException;
import dev.kiln.privacy.Batch;
import dev.kiln.privacy.ClipPolicy;
import dev.kiln.privacy.DpSgd;
import dev.kiln.privacy.DpSgdConfig;
import dev.kiln.privacy.PlainSgd;
import dev.kiln.privacy.RandomSource;
import dev.kiln.privacy.StepResult;
import dev.kiln.privacy.TrainState;
import dev.kiln.privacy.TrainStep;
import dev.kiln.privacy.accountant.RdpAccountant;
import dev.kiln.privacy.optim.Optimizer;
import dev.kiln.privacy.optim.Optimizers;
import dev.kiln.privacy.sampling.LogicalBatch;
import dev.kiln.privacy.sampling.PhysicalBatch;
import dev.kiln.privacy.sampling.PoissonSampler;
import dev.kiln.privacy.sampling.Sampler;
import dev.kiln.privacy.sampling.ShuffleSampler;
import dev.kiln.runtime.JitOptions;
import dev.kiln.samples.data.Dataset;
import dev.kiln.samples.data.RealData;
import dev.kiln.samples.models.Models;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Functional;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop of {@code kiln train}: DP-SGD (or ordinary training) of a paper model with a
 * jitted step, Poisson or shuffled batches, per-epoch evaluation, privacy accounting and
 * checkpoints. See docs/dpsgd.md.
 */
public final class Trainer {
    /** The outcome of a run: one report per epoch trained by this call, the final state, the noise used. */
    public record Outcome(List<EpochReport> epochs, TrainState<?, ?> state, double sigma, int trainExamples,
                          int stepsPerEpoch) {
    }

    private Trainer() {
    }

    /** Trains {@code c.model()} on synthetic data or {@code c.data()}. */
    public static Outcome run(TrainConfig c, PrintStream out) {
        PaperModel<?> model = Models.byName(c.model());
        return run(c, model, TrainData.load(c, model), out);
    }

    /** Trains {@code model} on {@code data} (tests pass small models and datasets). */
    public static <P extends Record> Outcome run(TrainConfig c, PaperModel<P> model, RealData.Split data, PrintStream out) {
        RealData.check(model, data.train());
        RealData.check(model, data.test());
        Optimizer<P, ? extends Record> opt = Optimizers.byName(c.optimizer(), c.lrOrDefault());
        return new Run<>(c, model, data, opt, out).train();
    }

    /** One run's fixed pieces; {@code S} is the optimiser's state type. */
    private static final class Run<P extends Record, S> {
        private final TrainConfig c;
        private final PaperModel<P> model;
        private final Dataset train;
        private final Dataset test;
        private final Optimizer<P, S> optimizer;
        private final PrintStream out;
        private final Sampler sampler;
        private final double sigma;
        private final RandomSource random;

        @SuppressWarnings("unchecked")
        Run(TrainConfig c, PaperModel<P> model, RealData.Split data, Optimizer<P, ? extends Record> opt, PrintStream out) {
            this.c = c;
            this.model = model;
            this.train = data.train();
            this.test = data.test();
            this.optimizer = (Optimizer<P, S>) opt;
            this.out = out;
            this.sampler = sampler(c, train.size());
            this.sigma = c.dp() ? resolveSigma(c, sampler) : 0;
            this.random = c.secure() ? RandomSource.secure() : RandomSource.seeded(c.seed());
        }

        Outcome train() {
            TrainStep<P, S> step = step();
            TrainState<P, S> state = step.start(model.init(Random.key(c.seed())));
            Resumed<P, S> r = resume(state);
            state = r.state();
            long globalStep = r.step();
            RdpAccountant accountant = c.dp() ? RdpAccountant.create().steps(sigma, sampler.samplingRate(), globalStep) : null;
            printHeader();
            Evaluator<P> evaluator = new Evaluator<>(model, jit(), Math.min(256, test.size()));
            List<EpochReport> reports = new ArrayList<>();
            for (int epoch = r.epoch(); epoch < c.epochs(); epoch++) {
                EpochTotals t = new EpochTotals();
                long t0 = System.nanoTime();
                try (Progress bar = Progress.start(c.progress(), "epoch " + (epoch + 1) + "/" + c.epochs(), sampler.stepsPerEpoch())) {
                    for (int s = 0; s < sampler.stepsPerEpoch(); s++, globalStep++) {
                        StepResult<P, S> res = step.step(state, physicalBatches(sampler.batch(epoch, s, random)),
                                random.noiseKey(globalStep));
                        state = res.state();
                        t.add(res);
                        bar.step(String.format("loss %.4f", t.meanLoss()));
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (accountant != null) {
                    accountant = accountant.steps(sigma, sampler.samplingRate(), sampler.stepsPerEpoch());
                }
                Evaluator.Result ev = evaluator.evaluate(state.params(), test);
                double eps = accountant == null ? Double.NaN : accountant.spent(c.delta()).epsilon();
                EpochReport rep = new EpochReport(epoch + 1, seconds, t.meanLoss(), t.clippedFraction(), ev.loss(),
                        ev.accuracy(), globalStep, eps);
                reports.add(rep);
                printEpoch(rep, epoch == r.epoch());
                if (c.checkpoint() != null) {
                    save(state, epoch + 1, globalStep, eps);
                }
            }
            return new Outcome(reports, state, sigma, train.size(), sampler.stepsPerEpoch());
        }

        private TrainStep<P, S> step() {
            JitOptions jit = jit();
            if (c.dp()) {
                ClipPolicy policy = c.perLayer() ? ClipPolicy.perLayer(c.clipOrDefault()) : ClipPolicy.flat(c.clipOrDefault());
                DpSgdConfig cfg = new DpSgdConfig(policy, sigma, sampler.expectedBatchSize(), jit.named(model.name() + "_dp"));
                return DpSgd.create(model::exampleLoss, optimizer, cfg);
            }
            return PlainSgd.fromBatchLosses((p, x, y) -> Functional.crossEntropy(model.logits(p, x), y), optimizer,
                    jit.named(model.name() + "_sgd"));
        }

        private JitOptions jit() {
            return JitOptions.defaults().onBackend(c.backend());
        }

        private List<Batch> physicalBatches(LogicalBatch lb) {
            List<Batch> out = new ArrayList<>(lb.parts().size());
            for (PhysicalBatch p : lb.parts()) {
                Tensor[] xy = train.batch(p.indices());
                out.add(new Batch(xy[0], xy[1], p.mask()));
            }
            return out;
        }

        // ------------------------------------------------------------ checkpoints

        private record Resumed<P, S>(TrainState<P, S> state, int epoch, long step) {
        }

        private Resumed<P, S> resume(TrainState<P, S> fresh) {
            if (!c.resume()) {
                return new Resumed<>(fresh, 0, 0);
            }
            Optional<Path> latest = Checkpoint.latest(c.checkpoint());
            if (latest.isEmpty()) {
                out.println("kiln train: no checkpoint in " + c.checkpoint() + " yet: starting from scratch");
                return new Resumed<>(fresh, 0, 0);
            }
            Checkpoint.Loaded<P, S> l = Checkpoint.load(latest.get(), fresh, model.parameterNames());
            checkSameTrajectory(l.meta(), l.folder());
            out.printf("kiln train: resuming from %s (epoch %d, step %d)%n", l.folder(), l.meta().epoch(), l.meta().step());
            if (l.meta().epoch() >= c.epochs()) {
                out.printf("kiln train: the checkpoint has already trained %d of the %d epochs asked for%n",
                        l.meta().epoch(), c.epochs());
            }
            return new Resumed<>(l.state(), l.meta().epoch(), l.meta().step());
        }

        private void checkSameTrajectory(CheckpointMeta meta, Path folder) {
            Map<String, String> now = c.trajectoryKeys(sigma, train.size());
            List<String> diffs = new ArrayList<>();
            for (Map.Entry<String, String> e : now.entrySet()) {
                String then = meta.trajectory().get(e.getKey());
                if (!e.getValue().equals(then)) {
                    diffs.add(e.getKey() + ": checkpoint " + then + ", now " + e.getValue());
                }
            }
            for (String k : meta.trajectory().keySet()) {
                if (!now.containsKey(k)) {
                    diffs.add(k + ": checkpoint " + meta.trajectory().get(k) + ", now not set");
                }
            }
            if (!diffs.isEmpty()) {
                throw new KilnException("train", "--resume: the checkpoint in " + folder + " was trained with other settings: "
                        + String.join("; ", diffs), null,
                        "repeat the original command line (only --epochs may grow), or use another --checkpoint folder");
            }
        }

        private void save(TrainState<P, S> state, int epochsDone, long globalStep, double eps) {
            CheckpointMeta.AccountantState acc = c.dp()
                    ? new CheckpointMeta.AccountantState(globalStep, sigma, sampler.samplingRate(), c.delta(), eps) : null;
            CheckpointMeta meta = new CheckpointMeta(model.name(), optimizer.name(), epochsDone, globalStep,
                    c.trajectoryKeys(sigma, train.size()), random.reproducible() ? c.seed() : null, acc);
            Checkpoint.save(c.checkpoint(), meta, state, model.parameterNames());
        }

        // ------------------------------------------------------------ printing

        private void printHeader() {
            String what = c.dp()
                    ? String.format("DP-SGD (clip %s%s, sigma %.4g)", fmt(c.clipOrDefault()),
                            c.perLayer() ? " split evenly over the parameter tensors" : " over all parameters jointly", sigma)
                    : "non-private SGD";
            out.printf("kiln train: %s, %s, %s lr %s%n", model.name(), what, optimizer.name(), fmt(c.lrOrDefault()));
            out.printf("  data: %s: %d train / %d test examples%n", train.description(), train.size(), test.size());
            out.printf("  sampling: %s, q = B/N = %.5g (batch %s, physical %d), %d steps per epoch; randomness %s%n",
                    c.samplingOrDefault(), sampler.samplingRate(), fmt(sampler.expectedBatchSize()),
                    sampler.physicalBatchSize(), sampler.stepsPerEpoch(), random.describe());
            if (c.dp()) {
                out.printf("  privacy: delta %s; steps counted as epochs x floor(N/B) = %d x %d%s%n", fmt(c.delta()),
                        c.epochs(), sampler.stepsPerEpoch(), c.targetEpsilon() != null
                                ? String.format("; sigma %s solved for epsilon %s (exactly; --sigma %s repeats it)", sigma,
                                fmt(c.targetEpsilon()), sigma) : "");
                if (c.delta() >= 1.0 / train.size()) {
                    out.printf("  warning: delta %s is not below 1/N = %.3g: such a guarantee can allow publishing a whole "
                            + "example; choose delta < 1/N%n", fmt(c.delta()), 1.0 / train.size());
                }
                if (c.samplingOrDefault().equals("shuffle")) {
                    out.println("  note: the accountant assumes Poisson sampling; with shuffled batches its epsilon is an approximation");
                }
            }
        }

        private void printEpoch(EpochReport r, boolean first) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("epoch %d/%d: %.2f s%s, loss %.4f", r.epoch(), c.epochs(), r.seconds(),
                    first ? " (incl. compilation)" : "", r.trainLoss()));
            if (c.dp()) {
                sb.append(String.format(", clipped %.0f%%", 100 * r.clippedFraction()));
            }
            sb.append(String.format(", test loss %.4f, accuracy %.2f%%", r.testLoss(), 100 * r.testAccuracy()));
            if (c.dp()) {
                sb.append(String.format(", epsilon %.4g", r.epsilon()));
            }
            out.println(sb);
        }

        private static String fmt(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
        }
    }

    // ---------------------------------------------------------------- settings

    static Sampler sampler(TrainConfig c, int n) {
        if (c.batch() > n) {
            throw new KilnException("train", "--batch " + c.batch() + " is larger than the " + n + " training examples");
        }
        if (c.samplingOrDefault().equals("poisson")) {
            return PoissonSampler.forExpectedBatch(n, c.batch(), c.virtualBatch());
        }
        int physical = c.virtualBatch() > 0 ? Math.min(c.virtualBatch(), c.batch()) : c.batch();
        return new ShuffleSampler(n, c.batch(), physical, ShuffleSampler.LastBatch.DROP);
    }

    /** --sigma, or the sigma that reaches --epsilon after all the run's steps, or the default 1.0. */
    static double resolveSigma(TrainConfig c, Sampler s) {
        if (c.sigma() != null) {
            return c.sigma();
        }
        if (c.targetEpsilon() != null) {
            long steps = (long) c.epochs() * s.stepsPerEpoch();
            try {
                return RdpAccountant.noiseMultiplier(c.targetEpsilon(), s.samplingRate(), steps, c.delta());
            } catch (KilnException e) {
                throw new KilnException("train", "--epsilon " + c.targetEpsilon() + ": " + e.detail(), null, e.hint());
            }
        }
        return TrainConfig.DEFAULT_SIGMA;
    }

    /** Sums of one epoch's step statistics. */
    private static final class EpochTotals {
        private double lossSum;
        private double clipped;
        private long examples;

        void add(StepResult<?, ?> r) {
            int n = r.stats().examplesValue();
            lossSum += r.stats().lossValue() * n;
            clipped += r.stats().clippedFractionValue() * n;
            examples += n;
        }

        double meanLoss() {
            return examples == 0 ? Double.NaN : lossSum / examples;
        }

        double clippedFraction() {
            return examples == 0 ? 0 : clipped / examples;
        }
    }
}
