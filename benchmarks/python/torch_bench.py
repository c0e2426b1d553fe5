#!/usr/bin/env python3
"""The PyTorch peer of `./kiln bench compare`: the paper's six models, timed per training step.

The models match Kiln's (samples/.../models) and the golden manifests (../shared/golden):
Linear weights [out, in], NCHW convolutions, the LSTM's gate order i, f, g, o with two biases,
softmax cross-entropy. Three steps, as in ../shared/PEERS.md:

  sgd      mean loss, backward, SGD update
  dp       functorch vmap(grad) per-example gradients, each clipped to joint L2 norm C over all
           parameters (linalg.vector_norm), summed, Gaussian noise of std sigma*C added,
           averaged over the batch, SGD update
  dp_loop  the same DP-SGD step with a loop over the examples (autograd per example)

The LSTM is written from primitives (functorch 1.13 cannot vmap nn.LSTM); `lstm_nn` is the same
network with nn.LSTM, for the sgd and dp_loop steps only.

Two ways to run it:

  torch_bench.py --model ffnn --mode dp --batch 128 --steps 20   one measurement, printed
  torch_bench.py --serve                                          the line protocol on stdin/stdout
  torch_bench.py --check-golden DIR                               the models against the golden files

The protocol (one request a line; one reply line each; logs go to stderr):

  info                              -> info torch=<version> threads=<n> blas=<name>
  setup <id> <model> <mode> <batch> -> ready <id> <parameters> <first_call_ms>
  run <id> <steps>                  -> times <id> <ms> <ms> ...
  free <id>                         -> freed <id>
  quit                              -> bye
  (any failure)                     -> error <id or -> <message on one line>
"""
import argparse
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    from functorch import grad, make_functional, vmap
except ImportError:  # pragma: no cover - functorch ships with Debian's python3-torch 1.13
    grad = make_functional = vmap = None

CLIP = 1.0
NOISE_MULTIPLIER = 1.0
LEARNING_RATE = 0.05
POOL = 2


# ---------------------------------------------------------------------------------------- models

class LogReg(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(104, 2)

    def forward(self, x):
        return self.fc1(x)


class Ffnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(104, 50)
        self.fc2 = nn.Linear(50, 2)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 8, stride=2, padding=3)
        self.conv2 = nn.Conv2d(16, 32, 4, stride=2)
        self.fc1 = nn.Linear(32 * 4 * 4, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2, 1)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 1)
        x = x.flatten(1)
        return self.fc2(F.relu(self.fc1(x)))


class Cifar10Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        chans = [(3, 32), (32, 32), (32, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 10)]
        for i, (a, b) in enumerate(chans, 1):
            setattr(self, "conv%d" % i, nn.Conv2d(a, b, 3, padding=1))

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.avg_pool2d(F.relu(self.conv2(x)), 2, 2)
        x = F.relu(self.conv3(x))
        x = F.avg_pool2d(F.relu(self.conv4(x)), 2, 2)
        x = F.relu(self.conv5(x))
        x = F.avg_pool2d(F.relu(self.conv6(x)), 2, 2)
        x = F.relu(self.conv7(x))
        return self.conv8(x).mean(dim=(2, 3))


class EmbeddingModel(nn.Module):
    def __init__(self, vocab=10004):
        super().__init__()
        self.emb = nn.Embedding(vocab, 16)
        self.fc1 = nn.Linear(16, 2)

    def forward(self, x):
        return self.fc1(self.emb(x).mean(dim=1))


class LstmCell(nn.Module):
    """torch.nn.LSTM's layer (one layer, zero initial state, time-major) written from primitives."""

    def __init__(self, inputs, hidden):
        super().__init__()
        self.hidden = hidden
        k = 1.0 / math.sqrt(hidden)
        self.weight_ih_l0 = nn.Parameter(torch.empty(4 * hidden, inputs).uniform_(-k, k))
        self.weight_hh_l0 = nn.Parameter(torch.empty(4 * hidden, hidden).uniform_(-k, k))
        self.bias_ih_l0 = nn.Parameter(torch.empty(4 * hidden).uniform_(-k, k))
        self.bias_hh_l0 = nn.Parameter(torch.empty(4 * hidden).uniform_(-k, k))

    def forward(self, x):  # x [T, B, I] -> [T, B, H]
        steps, batch = x.shape[0], x.shape[1]
        h = x.new_zeros(batch, self.hidden)
        c = x.new_zeros(batch, self.hidden)
        # unbind, not xw[t]: the backward of indexing one step writes a zero tensor the size of
        # all of xw and adds into it, for every step (256 x 52 MB at batch 128: 25x the step);
        # unbind's backward is one stack.
        xw = (x @ self.weight_ih_l0.t() + self.bias_ih_l0).unbind(0)
        outs = []
        for t in range(steps):
            gates = xw[t] + h @ self.weight_hh_l0.t() + self.bias_hh_l0
            i, f, g, o = gates.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outs.append(h)
        return torch.stack(outs)


class LstmModel(nn.Module):
    def __init__(self, primitives=True, vocab=10004):
        super().__init__()
        self.emb = nn.Embedding(vocab, 100)
        self.lstm = LstmCell(100, 100) if primitives else nn.LSTM(100, 100)
        self.primitives = primitives
        self.fc1 = nn.Linear(100, 2)

    def forward(self, x):
        e = self.emb(x).transpose(0, 1)  # time-major [T, B, 100]
        out = self.lstm(e) if self.primitives else self.lstm(e)[0]
        return self.fc1(out.mean(dim=0))


# name -> (constructor, example shape, token vocabulary or 0 for float inputs, classes)
MODELS = {
    "logreg": (LogReg, (104,), 0, 2),
    "ffnn": (Ffnn, (104,), 0, 2),
    "mnist_cnn": (MnistCnn, (1, 28, 28), 0, 10),
    "cifar10_cnn": (Cifar10Cnn, (3, 32, 32), 0, 10),
    "embedding": (EmbeddingModel, (256,), 10004, 2),
    "lstm": (lambda: LstmModel(True), (256,), 10004, 2),
    "lstm_nn": (lambda: LstmModel(False), (256,), 10004, 2),
}


def batches(model_name, batch, seed):
    """A pool of random batches (x, y) of the model's input shape, as in Kiln's BenchData."""
    _, shape, vocab, classes = MODELS[model_name]
    g = torch.Generator().manual_seed(seed)
    pool = []
    for _ in range(POOL):
        if vocab:
            x = torch.randint(0, vocab, (batch,) + shape, generator=g)
        else:
            x = torch.rand((batch,) + shape, generator=g)
        y = torch.randint(0, classes, (batch,), generator=g)
        pool.append((x, y))
    return pool


# ----------------------------------------------------------------------------------------- steps

def clip_noise_update(params, per_example, batch):
    """Clip each example's gradient to joint norm CLIP, sum, add noise, average, step (new tensors)."""
    norms = torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(g.reshape(batch, -1), dim=1) for g in per_example], dim=1), dim=1)
    factor = (CLIP / (norms + 1e-6)).clamp(max=1.0)
    out = []
    for p, g in zip(params, per_example):
        summed = torch.einsum("b,b...->...", factor, g)
        noisy = summed + torch.randn_like(summed) * (NOISE_MULTIPLIER * CLIP)
        out.append(p - LEARNING_RATE * noisy / batch)
    return out


class SgdStep:
    def __init__(self, model):
        self.model = model
        self.opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    def __call__(self, x, y):
        self.opt.zero_grad(set_to_none=True)
        F.cross_entropy(self.model(x), y).backward()
        self.opt.step()


class DpVmapStep:
    def __init__(self, model):
        if vmap is None:
            raise RuntimeError("functorch is not available")
        self.fmodel, params = make_functional(model)
        self.params = [p.detach() for p in params]

        def loss(ps, x, y):
            return F.cross_entropy(self.fmodel(ps, x.unsqueeze(0)), y.unsqueeze(0))

        self.per_example = vmap(grad(loss), in_dims=(None, 0, 0))

    def __call__(self, x, y):
        grads = self.per_example(self.params, x, y)
        self.params = clip_noise_update(self.params, grads, x.shape[0])


class DpLoopStep:
    def __init__(self, model):
        self.model = model
        self.params = [p for p in model.parameters()]

    def __call__(self, x, y):
        batch = x.shape[0]
        sums = [torch.zeros_like(p) for p in self.params]
        for i in range(batch):
            loss = F.cross_entropy(self.model(x[i:i + 1]), y[i:i + 1])
            gs = torch.autograd.grad(loss, self.params)
            norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in gs]))
            factor = (CLIP / (norm + 1e-6)).clamp(max=1.0)
            for s, g in zip(sums, gs):
                s.add_(g * factor)
        with torch.no_grad():
            for p, s in zip(self.params, sums):
                s.add_(torch.randn_like(s) * (NOISE_MULTIPLIER * CLIP))
                p.sub_(LEARNING_RATE * s / batch)


STEPS = {"sgd": SgdStep, "dp": DpVmapStep, "dp_loop": DpLoopStep}


class Prepared:
    """One model, step and batch size, ready to time; cycles its pool of batches."""

    def __init__(self, model_name, mode, batch, seed=0):
        if model_name not in MODELS:
            raise ValueError("unknown model %r (known: %s)" % (model_name, " ".join(MODELS)))
        if mode not in STEPS:
            raise ValueError("unknown mode %r (known: %s)" % (mode, " ".join(STEPS)))
        torch.manual_seed(seed)
        model = MODELS[model_name][0]()
        self.parameters = sum(p.numel() for p in model.parameters())
        self.step = STEPS[mode](model)
        self.pool = batches(model_name, batch, seed + 1)
        self.next = 0

    def run_one(self):
        x, y = self.pool[self.next]
        self.next = (self.next + 1) % len(self.pool)
        t0 = time.perf_counter()
        self.step(x, y)
        return (time.perf_counter() - t0) * 1000.0


def configure(threads):
    torch.set_num_threads(threads)


def blas_name():
    """The BLAS library actually loaded (Debian's torch links libblas.so.3, which the library path picks)."""
    try:
        torch.ones(2, 2) @ torch.ones(2, 2)  # make sure the BLAS is loaded
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    except OSError:  # pragma: no cover - not Linux
        return "unknown"
    names = sorted(os.path.basename(os.path.dirname(l)) + "/" + os.path.basename(l) for l in libs)
    preferred = [n for n in names if "libopenblas" in n] or [n for n in names if "libblas" in n] or names
    return preferred[0] if preferred else "unknown"


# -------------------------------------------------------------------------------------- protocol

def serve(inp, out, log):
    prepared = {}

    def reply(text):
        out.write(text + "\n")
        out.flush()

    for raw in inp:
        words = raw.split()
        if not words:
            continue
        cmd, args = words[0], words[1:]
        ident = args[0] if args else "-"
        try:
            if cmd == "info":
                reply("info torch=%s threads=%d blas=%s" % (torch.__version__, torch.get_num_threads(), blas_name()))
            elif cmd == "setup":
                if len(args) != 4:
                    raise ValueError("usage: setup <id> <model> <mode> <batch>")
                p = Prepared(args[1], args[2], int(args[3]))
                first = p.run_one()
                prepared[ident] = p
                reply("ready %s %d %.6f" % (ident, p.parameters, first))
            elif cmd == "run":
                if len(args) != 2 or ident not in prepared:
                    raise ValueError("usage: run <id> <steps>, after setup <id>")
                p = prepared[ident]
                times = [p.run_one() for _ in range(int(args[1]))]
                reply("times %s %s" % (ident, " ".join("%.6f" % t for t in times)))
            elif cmd == "free":
                prepared.pop(ident, None)
                reply("freed %s" % ident)
            elif cmd == "quit":
                reply("bye")
                return
            else:
                raise ValueError("unknown request %r" % cmd)
        except Exception as e:  # one line back, and keep serving
            log.write("torch_bench: %s failed: %r\n" % (raw.strip(), e))
            log.flush()
            reply("error %s %s" % (ident, (type(e).__name__ + ": " + str(e)).replace("\n", " ")))


def check_golden(folder):
    """Checks the models against the golden files: logits, per-example gradients, clipped sums."""
    import numpy as np

    worst = 0.0
    for name in ["logreg", "ffnn", "mnist_cnn", "cifar10_cnn", "embedding", "lstm"]:
        d = os.path.join(folder, name)
        params = {f[:-4]: torch.from_numpy(np.load(os.path.join(d, "params", f)))
                  for f in os.listdir(os.path.join(d, "params"))}
        vocab = params["emb.weight"].shape[0] if "emb.weight" in params else None
        if name == "lstm":
            model = LstmModel(True, vocab)
        elif name == "embedding":
            model = EmbeddingModel(vocab)
        else:
            model = MODELS[name][0]()
        model.load_state_dict(params, strict=True)
        x = torch.from_numpy(np.load(os.path.join(d, "x.npy")))
        x = x.long() if MODELS[name][2] else x
        y = torch.from_numpy(np.load(os.path.join(d, "y.npy"))).long()
        gaps = {"logits": rel_gap(model(x), np.load(os.path.join(d, "logits.npy")))}
        step = DpVmapStep(model)
        grads = step.per_example(step.params, x, y)
        names = [n for n, _ in model.named_parameters()]
        gaps["grads"] = max(rel_gap(g, np.load(os.path.join(d, "grads", n + ".npy"))) for n, g in zip(names, grads))
        b = x.shape[0]
        norms = torch.linalg.vector_norm(
            torch.stack([torch.linalg.vector_norm(g.reshape(b, -1), dim=1) for g in grads], dim=1), dim=1)
        factor = (CLIP / (norms + 1e-6)).clamp(max=1.0)
        gaps["clipped_sum"] = max(rel_gap(torch.einsum("b,b...->...", factor, g),
                                          np.load(os.path.join(d, "clipped_sum", n + ".npy")))
                                  for n, g in zip(names, grads))
        print("%-12s " % name + "  ".join("%s %.1e" % kv for kv in gaps.items()))
        worst = max(worst, *gaps.values())
    print("largest gap relative to the largest entry: %.1e" % worst)
    return 0 if worst < 1e-4 else 1


def rel_gap(ours, golden):
    golden = torch.from_numpy(golden)
    return float((ours.detach() - golden).abs().max() / golden.abs().max().clamp(min=1e-30))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--serve", action="store_true", help="answer the line protocol on stdin/stdout")
    ap.add_argument("--check-golden", metavar="DIR", help="check the models against the golden files in DIR and exit")
    ap.add_argument("--model", choices=sorted(MODELS), help="model to time (without --serve)")
    ap.add_argument("--mode", choices=sorted(STEPS), default="dp")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("KILN_TORCH_THREADS", "2")))
    a = ap.parse_args(argv)
    configure(a.threads)
    if a.check_golden:
        return check_golden(a.check_golden)
    if a.serve:
        serve(sys.stdin, sys.stdout, sys.stderr)
        return 0
    if not a.model:
        ap.error("--model is required without --serve")
    p = Prepared(a.model, a.mode, a.batch)
    first = p.run_one()
    for _ in range(a.warmup):
        p.run_one()
    times = [p.run_one() for _ in range(a.steps)]
    print("%s %s batch %d: %d parameters, first call %.1f ms, median step %.3f ms (min %.3f, max %.3f, %d steps; "
          "torch %s, %d threads)" % (a.model, a.mode, a.batch, p.parameters, first, statistics.median(times),
                                     min(times), max(times), len(times), torch.__version__, torch.get_num_threads()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
