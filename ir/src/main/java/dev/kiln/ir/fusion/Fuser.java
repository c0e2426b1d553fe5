package dev.kiln.ir.fusion;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Reshape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a graph into a {@link FusionPlan}. Equations are visited consumers first; each one joins
 * the kernels of its consumers where it can, or is written to memory by a kernel of its own:
 *
 * <ul>
 *   <li>elementwise and layout equations (broadcast, reshape, transpose, slice, pad, concatenate,
 *       iota, rev) are inlined into every consumer kernel, by index remapping, when
 *       {@link FusionCost} accepts the recomputation that implies; a value that must be in memory
 *       anyway is written by a consumer kernel of its shape when there is one (multi-output);</li>
 *   <li>a reduction or library equation becomes the root of its consumers' loop kernel when they
 *       read its result element for element (the epilogue), else a kernel of its own;</li>
 *   <li>an unfused reshape of a value in memory is an alias (no copy).</li>
 * </ul>
 *
 * Every refusal is recorded with its reason. With fusion off each equation is its own kernel.
 */
public final class Fuser {
    private record Use(Equation consumer, int operand) {
    }

    /**
     * What a backend asks of fusion.
     *
     * @param fuse                   fuse at all (off: one kernel per equation)
     * @param concatenationsAsCopies make concatenations of many operands library kernels (block
     *                               copies); only for backends that implement {@code concatenate}
     *                               as a library routine
     */
    public record Options(boolean fuse, boolean concatenationsAsCopies) {
        public static Options of(boolean fuse) {
            return new Options(fuse, false);
        }
    }

    private static final class Group {
        final int id;
        KernelKind kind;
        Equation root;
        final Shape shape;
        final Set<Var> members = Collections.newSetFromMap(new IdentityHashMap<>());
        final List<Equation> equations = new ArrayList<>();
        final Set<Var> outputs = Collections.newSetFromMap(new IdentityHashMap<>());
        /** {@link #inputsOf}, kept until the equations change (fusion asks for it at every placement). */
        List<Var> inputs;

        Group(int id, KernelKind kind, Shape shape) {
            this.id = id;
            this.kind = kind;
            this.shape = shape;
        }

        boolean has(Equation eq) {
            return members.contains(eq.out());
        }
    }

    private record PendingRefusal(Equation producer, Group consumer, FusionReason reason, String detail) {
    }

    private final Graph graph;
    private final Options options;
    private final boolean enabled;
    private final Map<Var, List<Use>> uses;
    private final Map<Var, Integer> position;
    private final Map<Var, Equation> producers;
    private final Set<Var> graphOutputs = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Group> groups = new ArrayList<>();
    private final Map<Var, List<Group>> groupsOf = new IdentityHashMap<>();
    private final Map<Var, Group> home = new IdentityHashMap<>();
    private final List<PendingRefusal> refusals = new ArrayList<>();
    private final DynamicOrder<Group> order = new DynamicOrder<>();

    private Fuser(Graph graph, Options options) {
        this.graph = graph;
        this.options = options;
        this.enabled = options.fuse();
        List<Equation> eqs = graph.equations();
        int n = eqs.size() + graph.inputs().size() + graph.constants().size();
        uses = new IdentityHashMap<>(n);
        position = new IdentityHashMap<>(n);
        producers = new IdentityHashMap<>(n);
        for (int i = 0; i < eqs.size(); i++) {
            Equation eq = eqs.get(i);
            position.put(eq.out(), i);
            producers.put(eq.out(), eq);
            for (int k = 0; k < eq.inputs().size(); k++) {
                if (eq.input(k) instanceof Var v) {
                    uses.computeIfAbsent(v, x -> new ArrayList<>()).add(new Use(eq, k));
                }
            }
        }
        for (Atom a : graph.outputs()) {
            if (a instanceof Var v) {
                graphOutputs.add(v);
            }
        }
    }

    /** The kernel plan of {@code graph}; with {@code fuse} false, one kernel per equation. */
    public static FusionPlan plan(Graph graph, boolean fuse) {
        return plan(graph, Options.of(fuse));
    }

    public static FusionPlan plan(Graph graph, Options options) {
        Fuser f = new Fuser(graph, options);
        List<Equation> eqs = graph.equations();
        for (int i = eqs.size() - 1; i >= 0; i--) {
            f.place(eqs.get(i));
        }
        return f.build();
    }

    // ---- placement ----

    private void place(Equation eq) {
        PrimitiveRole role = FusionCost.role(eq, options);
        if (!enabled) {
            Group own = ownGroup(eq);
            for (Group g : consumerGroups(eq).keySet()) {
                refuse(eq, g, FusionReason.FUSION_DISABLED, "fusion is turned off");
            }
            home.put(eq.out(), own);
            return;
        }
        if (role.inlinable()) {
            placeInlinable(eq);
        } else {
            placeRoot(eq);
        }
    }

    private void placeInlinable(Equation p) {
        Map<Group, List<Use>> consumers = consumerGroups(p);
        Map<Group, FusionReason> blocked = new LinkedHashMap<>();
        List<Group> open = new ArrayList<>();
        for (Map.Entry<Group, List<Use>> e : consumers.entrySet()) {
            FusionReason r = inlineBlocker(e.getKey(), p, e.getValue());
            if (r == null) {
                open.add(e.getKey());
            } else {
                blocked.put(e.getKey(), r);
            }
        }
        boolean isOutput = graphOutputs.contains(p.out());
        FusionReason sharedReason = isOutput ? FusionReason.GRAPH_OUTPUT : null;
        String sharedDetail = isOutput ? "the value is an output of the graph" : null;
        if (!isOutput && blocked.isEmpty() && !open.isEmpty()) {
            // A producer no dearer than a load is recomputed however often it is read, so its count
            // of evaluations (a walk over each consumer kernel) is needed only for dearer ones.
            double evals = 0;
            if (FusionCost.elementCost(p.primitive()) > 1) {
                for (Group g : open) {
                    evals += evaluations(g, p.out(), true);
                }
            }
            double extraReads = extraReadsOfDuplicating(open, p);
            if (FusionCost.acceptRecompute(p.primitive(), evals) && extraReads <= FusionCost.DUPLICATION_READ_SLACK) {
                joinAll(open, p);
                return;
            }
            sharedReason = FusionReason.RECOMPUTE_TOO_EXPENSIVE;
            sharedDetail = extraReads > 0
                    ? String.format("computing %s in %d kernels would make them read %.1f more buffers than reading it",
                            p.primitive().name(), open.size(), extraReads)
                    : String.format("%s would be computed %.1f times per element (cost %d each)",
                            p.primitive().name(), evals, FusionCost.elementCost(p.primitive()));
        }
        // The value goes to memory: written by one consumer kernel of its shape, or by a kernel of its own.
        Group writer = null;
        for (Group g : open) {
            if (identityIn(g, p.out()) && tryJoin(g, p, true)) {
                writer = g;
                break;
            }
        }
        if (writer == null) {
            writer = ownGroup(p);
        }
        home.put(p.out(), writer);
        for (Map.Entry<Group, List<Use>> e : consumers.entrySet()) {
            Group g = e.getKey();
            if (g == writer) {
                continue;
            }
            FusionReason r = blocked.getOrDefault(g, sharedReason != null ? sharedReason : FusionReason.RECOMPUTE_TOO_EXPENSIVE);
            String detail = blocked.containsKey(g) ? blockerDetail(r, g) : sharedDetail != null ? sharedDetail
                    : "the value is in memory already; reading it is cheaper than computing it again";
            refuse(p, g, r, detail);
        }
    }

    private void placeRoot(Equation r) {
        Map<Group, List<Use>> consumers = consumerGroups(r);
        Group merged = null;
        Map<Group, FusionReason> blocked = new LinkedHashMap<>();
        for (Map.Entry<Group, List<Use>> e : consumers.entrySet()) {
            Group g = e.getKey();
            FusionReason why = epilogueBlocker(g, r);
            if (why == null && merged == null) {
                KernelKind before = g.kind;
                g.kind = FusionCost.role(r, options) == PrimitiveRole.REDUCTION ? KernelKind.REDUCTION : KernelKind.LIBRARY;
                g.root = r;
                boolean materialize = graphOutputs.contains(r.out()) || consumers.size() > 1;
                if (tryJoin(g, r, materialize)) {
                    merged = g;
                    continue;
                }
                g.kind = before;
                g.root = null;
                why = FusionReason.WOULD_CREATE_CYCLE;
            } else if (why == null) {
                why = FusionReason.NOT_INLINABLE;
            }
            blocked.put(g, why);
        }
        if (merged == null) {
            merged = ownGroup(r);
        }
        home.put(r.out(), merged);
        for (Map.Entry<Group, FusionReason> e : blocked.entrySet()) {
            refuse(r, e.getKey(), e.getValue(), blockerDetail(e.getValue(), e.getKey()));
        }
    }

    /** Why {@code p} cannot be inlined into {@code g} at these uses, or null if it can. */
    private FusionReason inlineBlocker(Group g, Equation p, List<Use> at) {
        if (g.kind == KernelKind.ALIAS) {
            return FusionReason.ALIAS_CONSUMER;
        }
        for (Use u : at) {
            if (g.kind == KernelKind.LIBRARY && u.consumer().out() == g.root.out()) {
                return FusionReason.LIBRARY_OPERAND;
            }
        }
        if (g.equations.size() >= FusionCost.MAX_KERNEL_EQUATIONS || inputsAfterInlining(g, p) > FusionCost.MAX_KERNEL_INPUTS) {
            return FusionReason.KERNEL_TOO_LARGE;
        }
        return null;
    }

    /**
     * How many more buffers the kernels in {@code gs} would read, all told, if each computed
     * {@code p} instead of one of them writing it and the others reading it back. Each kernel
     * computing it reads {@code p}'s operands it does not read yet instead of {@code p} itself (an
     * operand broadcast from a smaller array counts for that array's share of the elements); the
     * kernel reading the most new operands is the one that would write it. Without this count a
     * chain of cheap operations (an LSTM's cell state, one add and two multiplies a step) is
     * recomputed from its origin in every later kernel, each reading one more buffer per step.
     */
    private double extraReadsOfDuplicating(List<Group> gs, Equation p) {
        if (gs.size() < 2) {
            return 0;
        }
        double total = 0, most = 0;
        for (Group g : gs) {
            List<Var> in = inputsOf(g);
            Set<Var> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
            double reads = 0;
            for (Atom a : p.inputs()) {
                if (a instanceof Var v && !g.members.contains(v) && !in.contains(v) && fresh.add(v)) {
                    reads += readShare(v, p.out());
                }
            }
            total += reads;
            most = Math.max(most, reads);
        }
        return total - most - (gs.size() - 1);
    }

    /** The fraction of a buffer of {@code out}'s size that reading {@code v} costs (less for a broadcast). */
    private double readShare(Var v, Var out) {
        Equation producer = producers.get(v);
        Var source = v;
        while (producer != null && (producer.primitive() instanceof BroadcastInDim || producer.primitive() instanceof Reshape)
                && producer.input(0) instanceof Var x) {
            source = x;
            producer = producers.get(x);
        }
        return Math.min(1.0, (double) source.type().numel() / Math.max(1, out.type().numel()));
    }

    /** How many values {@code g} would read from memory with {@code p} inlined. */
    private int inputsAfterInlining(Group g, Equation p) {
        List<Var> in = inputsOf(g);
        int n = in.size() - (in.contains(p.out()) ? 1 : 0);
        for (Atom a : p.inputs()) {
            if (a instanceof Var v && !g.members.contains(v) && !in.contains(v)) {
                n++;
            }
        }
        return n;
    }

    /** Why reduction or library equation {@code r} cannot become the root of {@code g}, or null. */
    private FusionReason epilogueBlocker(Group g, Equation r) {
        if (g.kind == KernelKind.ALIAS) {
            return FusionReason.ALIAS_CONSUMER;
        }
        if (g.kind != KernelKind.LOOP) {
            return FusionReason.CONSUMER_HAS_ROOT;
        }
        if (!g.shape.equals(r.out().shape()) || !identityIn(g, r.out())) {
            return FusionReason.NOT_AN_EPILOGUE;
        }
        if (g.equations.size() >= FusionCost.MAX_KERNEL_EQUATIONS) {
            return FusionReason.KERNEL_TOO_LARGE;
        }
        return null;
    }

    private String blockerDetail(FusionReason r, Group g) {
        return switch (r) {
            case ALIAS_CONSUMER -> "the consumer is a reshape of a value in memory";
            case LIBRARY_OPERAND -> g.root.primitive().name() + " reads its operands from memory";
            case CONSUMER_HAS_ROOT -> "the consumer kernel already has " + g.root.primitive().name() + " at its root";
            case NOT_AN_EPILOGUE -> "the consumer kernel (" + g.shape + ") does not read the result element for element";
            case NOT_INLINABLE -> "reductions and library results are only fused as the root of their consumers' kernel, which is another kernel";
            case KERNEL_TOO_LARGE -> "the consumer kernel has " + g.equations.size() + " equations and reads "
                    + inputsOf(g).size() + " buffers already";
            case WOULD_CREATE_CYCLE -> "fusing would make two kernels wait on each other";
            default -> r.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    // ---- analyses over the groups being built ----

    /** The groups computing a consumer of {@code eq}'s result, with the uses in each. */
    private Map<Group, List<Use>> consumerGroups(Equation eq) {
        Map<Group, List<Use>> out = new LinkedHashMap<>();
        for (Use u : uses.getOrDefault(eq.out(), List.of())) {
            for (Group g : groupsOf.getOrDefault(u.consumer().out(), List.of())) {
                out.computeIfAbsent(g, x -> new ArrayList<>()).add(u);
            }
        }
        return out;
    }

    /** Whether every use of {@code v} in {@code g} reads it at the kernel's own index (element for element). */
    private boolean identityIn(Group g, Var v) {
        return identityIn(g, v, new IdentityHashMap<>());
    }

    private boolean identityIn(Group g, Var v, Map<Var, Boolean> memo) {
        Boolean known = memo.get(v);
        if (known != null) {
            return known;
        }
        boolean result = v.shape().equals(g.shape);
        for (Use u : usesIn(g, v)) {
            if (!result) {
                break;
            }
            Equation c = u.consumer();
            if ((g.root != null && c.out() == g.root.out()) || !c.primitive().isElementwise() || !identityIn(g, c.out(), memo)) {
                result = false;
            }
        }
        memo.put(v, result);
        return result;
    }

    /**
     * How many times each element of {@code v} is computed by {@code g} (per kernel run), counting
     * {@code v}'s uses by members of {@code g}, as if {@code v} were inlined there.
     */
    private double evaluations(Group g, Var v, boolean hypothetical) {
        return evaluations(g, v, hypothetical, new IdentityHashMap<>());
    }

    private double evaluations(Group g, Var v, boolean hypothetical, Map<Var, Double> memo) {
        Double known = memo.get(v);
        if (known != null) {
            return known;
        }
        double e = 0;
        // Writing v, and elementwise consumers of its shape evaluated once per element, all want v
        // at the index it is computed at: lowering's memo computes it there once for all of them
        // (a polynomial reads its variable once per term, yet costs one evaluation of it).
        boolean atOwnIndex = g.outputs.contains(v);
        for (Use u : usesIn(g, v)) {
            Equation c = u.consumer();
            if ((g.root != null && c.out() == g.root.out()) || v.shape().rank() == 0) {
                // The root reads each operand element once; a scalar is computed once per kernel run
                // (lowering hoists it out of every loop).
                e += 1;
                continue;
            }
            double perConsumer = evaluations(g, c.out(), false, memo);
            if (perConsumer == 1 && PrimitiveRole.of(c.primitive()) == PrimitiveRole.ELEMENTWISE
                    && c.out().shape().equals(v.shape())) {
                atOwnIndex = true;
                continue;
            }
            e += perConsumer * readsPerElement(g, c, v);
        }
        e += atOwnIndex ? 1 : 0;
        double result = hypothetical && e == 0 ? 1 : e;
        memo.put(v, result);
        return result;
    }

    /**
     * The uses of {@code v} by equations of {@code g}, in graph order: found from whichever is
     * smaller, {@code v}'s uses or {@code g}'s equations (a weight read at every step of an
     * unrolled loop has hundreds of uses, a kernel at most a few dozen equations).
     */
    private List<Use> usesIn(Group g, Var v) {
        List<Use> all = uses.getOrDefault(v, List.of());
        List<Use> out = new ArrayList<>();
        if (all.size() <= g.equations.size()) {
            for (Use u : all) {
                if (g.has(u.consumer())) {
                    out.add(u);
                }
            }
            return out;
        }
        for (Equation c : g.equations) {
            for (int k = 0; k < c.inputs().size(); k++) {
                if (c.input(k) == v) {
                    out.add(new Use(c, k));
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt((Use u) -> position.get(u.consumer().out())).thenComparingInt(Use::operand));
        return out;
    }

    /** How often {@code consumer} evaluates each element of its operand {@code v}, per element it computes. */
    private static double readsPerElement(Group g, Equation consumer, Var v) {
        if (consumer.primitive() instanceof BroadcastInDim b) {
            double ratio = (double) consumer.out().type().numel() / Math.max(1, v.type().numel());
            boolean trailingOnly = b.broadcastDimensions().equals(Ints.range(v.shape().rank()));
            // [B] -> [B,C] varies only in outer loops, so lowering computes it once per outer iteration,
            // except in a reduction's operand, where the reduced loops may be the outer ones.
            return trailingOnly && g.kind != KernelKind.REDUCTION ? 1.0 : ratio;
        }
        return 1.0;
    }

    // ---- group membership ----

    private Group ownGroup(Equation eq) {
        PrimitiveRole role = FusionCost.role(eq, options);
        KernelKind kind = switch (role) {
            case REDUCTION -> KernelKind.REDUCTION;
            case LIBRARY -> KernelKind.LIBRARY;
            default -> eq.primitive() instanceof Reshape && eq.input(0) instanceof Var ? KernelKind.ALIAS : KernelKind.LOOP;
        };
        Group g = new Group(groups.size(), kind, eq.out().shape());
        if (kind == KernelKind.REDUCTION || kind == KernelKind.LIBRARY) {
            g.root = eq;
        }
        groups.add(g);
        order.addFirst(g);
        add(g, eq);
        g.outputs.add(eq.out());
        return g;
    }

    private void add(Group g, Equation eq) {
        g.members.add(eq.out());
        g.equations.add(eq);
        g.inputs = null;
        groupsOf.computeIfAbsent(eq.out(), x -> new ArrayList<>()).add(g);
    }

    private void remove(Group g, Equation eq) {
        g.members.remove(eq.out());
        g.equations.remove(eq);
        g.inputs = null;
        g.outputs.remove(eq.out());
        groupsOf.get(eq.out()).remove(g);
    }

    /**
     * Adds {@code eq} to {@code g} (writing its value when {@code materialize}) unless that makes a
     * cycle. Only a value newly written by {@code g} adds edges (from {@code g} to the kernels that
     * read it); equations are placed consumers first, so {@code eq}'s operands have no writer yet.
     */
    private boolean tryJoin(Group g, Equation eq, boolean materialize) {
        add(g, eq);
        if (!materialize) {
            return true;
        }
        g.outputs.add(eq.out());
        home.put(eq.out(), g);
        for (Group reader : readersOf(eq.out(), g)) {
            if (!order.addEdge(g, reader, this::successors, this::predecessors)) {
                remove(g, eq);
                home.remove(eq.out());
                return false;
            }
        }
        return true;
    }

    /** Inlining never adds an edge between kernels (see {@link #tryJoin}), so it cannot make a cycle. */
    private void joinAll(List<Group> gs, Equation eq) {
        for (Group g : gs) {
            add(g, eq);
        }
    }

    /** The kernels other than {@code writer} that read {@code v} from memory. */
    private List<Group> readersOf(Var v, Group writer) {
        List<Group> out = new ArrayList<>();
        for (Use u : uses.getOrDefault(v, List.of())) {
            for (Group r : groupsOf.getOrDefault(u.consumer().out(), List.of())) {
                if (r != writer && !r.members.contains(v) && !out.contains(r)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The kernels reading a value {@code x} writes. */
    private List<Group> successors(Group x) {
        List<Group> out = new ArrayList<>();
        for (Var v : x.outputs) {
            for (Group r : readersOf(v, x)) {
                if (!out.contains(r)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The kernels writing a value {@code x} reads. */
    private List<Group> predecessors(Group x) {
        List<Group> out = new ArrayList<>();
        for (Var v : inputsOf(x)) {
            Group h = home.get(v);
            if (h != null && h != x && !out.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** For each kernel, the kernels reading a value it writes. */
    private Map<Group, List<Group>> dependencies() {
        Map<Group, List<Group>> succ = new IdentityHashMap<>();
        for (Group g : groups) {
            for (Var in : inputsOf(g)) {
                Group h = home.get(in);
                if (h != null && h != g) {
                    List<Group> l = succ.computeIfAbsent(h, x -> new ArrayList<>());
                    if (!l.contains(g)) {
                        l.add(g);
                    }
                }
            }
        }
        return succ;
    }

    /** The values {@code g} reads from memory, in the order its equations first read them. */
    private List<Var> inputsOf(Group g) {
        if (g.inputs != null) {
            return g.inputs;
        }
        Set<Var> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Var> out = new ArrayList<>();
        for (Equation eq : g.equations) {
            for (Atom a : eq.inputs()) {
                if (a instanceof Var v && !g.members.contains(v) && seen.add(v)) {
                    out.add(v);
                }
            }
        }
        g.inputs = Collections.unmodifiableList(out);
        return g.inputs;
    }

    private void refuse(Equation producer, Group consumer, FusionReason reason, String detail) {
        refusals.add(new PendingRefusal(producer, consumer, reason, detail));
    }

    // ---- the plan ----

    private FusionPlan build() {
        List<Group> order = schedule();
        Map<Group, Integer> index = new IdentityHashMap<>();
        List<FusedKernel> kernels = new ArrayList<>();
        for (Group g : order) {
            index.put(g, kernels.size());
            List<Equation> eqs = new ArrayList<>(g.equations);
            eqs.sort((a, b) -> Integer.compare(position.get(a.out()), position.get(b.out())));
            List<Var> outs = eqs.stream().map(Equation::out).filter(g.outputs::contains).toList();
            kernels.add(new FusedKernel(kernels.size(), kernelName(kernels.size(), g, eqs), g.kind, g.root, eqs,
                    g.shape, inputsOf(sorted(g)), outs));
        }
        List<Refusal> rs = new ArrayList<>();
        for (PendingRefusal r : refusals) {
            Integer k = index.get(r.consumer());
            if (k != null && !r.consumer().has(r.producer())) {
                rs.add(new Refusal(r.producer(), k, r.reason(), r.detail()));
            }
        }
        rs.sort((a, b) -> Integer.compare(position.get(a.producer().out()), position.get(b.producer().out())));
        return new FusionPlan(graph, kernels, rs, enabled);
    }

    private Group sorted(Group g) {
        g.equations.sort((a, b) -> Integer.compare(position.get(a.out()), position.get(b.out())));
        g.inputs = null;
        return g;
    }

    /** Kernels in dependency order; among ready kernels, the one whose first equation comes first. */
    private List<Group> schedule() {
        List<Group> live = groups.stream().filter(g -> !g.equations.isEmpty()).toList();
        Map<Group, List<Group>> succ = dependencies();
        Map<Group, Integer> indegree = new IdentityHashMap<>();
        for (Group g : live) {
            indegree.putIfAbsent(g, 0);
            for (Group n : succ.getOrDefault(g, List.of())) {
                indegree.merge(n, 1, Integer::sum);
            }
        }
        java.util.PriorityQueue<Group> ready = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingInt(this::firstPosition));
        for (Group g : live) {
            if (indegree.get(g) == 0) {
                ready.add(g);
            }
        }
        List<Group> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            Group g = ready.poll();
            out.add(g);
            for (Group n : succ.getOrDefault(g, List.of())) {
                if (indegree.merge(n, -1, Integer::sum) == 0) {
                    ready.add(n);
                }
            }
        }
        if (out.size() != live.size()) {
            throw new IllegalStateException("fusion produced cyclic kernel dependencies");
        }
        return out;
    }

    private int firstPosition(Group g) {
        int min = Integer.MAX_VALUE;
        for (Equation e : g.equations) {
            min = Math.min(min, position.get(e.out()));
        }
        return min;
    }

    private static String kernelName(int index, Group g, List<Equation> eqs) {
        String what = switch (g.kind) {
            case REDUCTION, LIBRARY -> g.root.primitive().name();
            case ALIAS -> "reshape";
            case LOOP -> eqs.size() == 1 ? eqs.getFirst().primitive().name() : "fused";
        };
        return "k" + index + "_" + what;
    }
}
