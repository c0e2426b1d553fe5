package dev.kiln.codegen.ptx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the PTX that Kiln generates, on the CPU, for tests on machines without a GPU. It parses a
 * module (entries, parameters, {@code .shared} arrays), decodes each instruction once, and runs
 * every thread of every block, switching threads at {@code bar.sync}. It implements exactly the
 * instruction forms {@link PtxBuilder} and its users emit, with PTX's semantics (IEEE f32/f64 with
 * the stated rounding, saturating float-to-int conversion, ordered and unordered comparisons,
 * wrapping integer arithmetic, clamped shifts); anything else is an error, so a new instruction
 * form must be added here before the tests pass. Global memory is a set of allocations filled
 * with 0xFF bytes (NaN, -1) so that reading memory no kernel wrote shows; any access outside an
 * allocation fails, naming the kernel and instruction.
 */
final class PtxEmulator {
    private static final int DONE = -1, BARRIER = -2;
    private static final long STEP_LIMIT = 2_000_000_000L;

    /** A decoded instruction: runs on a thread and returns the next pc ({@link #DONE}, {@link #BARRIER}). */
    private interface Insn {
        int exec(Thread t, int pc);
    }

    /** Reads an operand's raw bits. */
    private interface Src {
        long get(Thread t);
    }

    private record Entry(String name, List<String> params, Insn[] code, String[] text, int registers) {
    }

    /** One thread: registers, its block's shared memory, indices, launch arguments. */
    private static final class Thread {
        final long[] r;
        final int[] tid = new int[3], ntid = new int[3], ctaid = new int[3], nctaid = new int[3];
        ByteBuffer shared;
        long[] args;
        int pc;
        int state; // 0 running, BARRIER, DONE

        Thread(int registers) {
            r = new long[registers];
        }
    }

    /** Device memory: allocations at addresses {@code (id + 1) << 40}. */
    static final class Memory {
        private final List<ByteBuffer> allocations = new ArrayList<>();

        long allocate(long bytes) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.max(bytes, 16)).order(ByteOrder.LITTLE_ENDIAN);
            Arrays.fill(b.array(), (byte) 0xFF);
            allocations.add(b);
            return (long) allocations.size() << 40;
        }

        void free(long address) {
            allocations.set((int) (address >>> 40) - 1, null);
        }

        ByteBuffer buffer(long address) {
            int id = (int) (address >>> 40) - 1;
            if (id < 0 || id >= allocations.size() || allocations.get(id) == null) {
                throw new IllegalStateException("address 0x" + Long.toHexString(address) + " is in no live allocation");
            }
            return allocations.get(id);
        }

        static int offset(long address) {
            return (int) (address & ((1L << 40) - 1));
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Integer> sharedSymbols = new HashMap<>();
    private int sharedBytes;
    long executed;

    PtxEmulator(String module) {
        parse(module);
    }

    // ---- running ----

    void launch(String entry, int[] grid, int[] block, long[] args, Memory mem) {
        Entry e = entries.get(entry);
        if (e == null) {
            throw new IllegalArgumentException("no entry " + entry);
        }
        if (args.length != e.params().size()) {
            throw new IllegalArgumentException(entry + " takes " + e.params().size() + " arguments, got " + args.length);
        }
        this.memory = mem;
        int threads = block[0] * block[1] * block[2];
        for (int z = 0; z < grid[2]; z++) {
            for (int y = 0; y < grid[1]; y++) {
                for (int x = 0; x < grid[0]; x++) {
                    ByteBuffer shared = ByteBuffer.allocate(Math.max(sharedBytes, 16)).order(ByteOrder.LITTLE_ENDIAN);
                    Arrays.fill(shared.array(), (byte) 0xFF);
                    Thread[] ts = new Thread[threads];
                    for (int i = 0; i < threads; i++) {
                        Thread t = new Thread(e.registers());
                        t.tid[0] = i % block[0];
                        t.tid[1] = i / block[0] % block[1];
                        t.tid[2] = i / (block[0] * block[1]);
                        System.arraycopy(block, 0, t.ntid, 0, 3);
                        t.ctaid[0] = x;
                        t.ctaid[1] = y;
                        t.ctaid[2] = z;
                        System.arraycopy(grid, 0, t.nctaid, 0, 3);
                        t.shared = shared;
                        t.args = args;
                        ts[i] = t;
                    }
                    runBlock(e, ts);
                }
            }
        }
    }

    private Memory memory;

    private void runBlock(Entry e, Thread[] ts) {
        while (true) {
            boolean anyRunning = false;
            for (Thread t : ts) {
                if (t.state == 0) {
                    run(e, t);
                }
                anyRunning |= t.state != DONE;
            }
            if (!anyRunning) {
                return;
            }
            // Every live thread waits at the barrier: release them all.
            for (Thread t : ts) {
                if (t.state == BARRIER) {
                    t.state = 0;
                    t.pc++;
                }
            }
        }
    }

    private void run(Entry e, Thread t) {
        Insn[] code = e.code();
        long steps = 0;
        int pc = t.pc;
        try {
            while (true) {
                int next = code[pc].exec(t, pc);
                steps++;
                if (next == DONE) {
                    t.state = DONE;
                    break;
                }
                if (next == BARRIER) {
                    t.state = BARRIER;
                    break;
                }
                pc = next;
                if (steps > STEP_LIMIT) {
                    throw new IllegalStateException("more than " + STEP_LIMIT + " steps: an endless loop?");
                }
            }
        } catch (RuntimeException ex) {
            throw new IllegalStateException(e.name() + " thread " + Arrays.toString(t.tid) + " block " + Arrays.toString(t.ctaid)
                    + " at instruction " + pc + " `" + e.text()[pc] + "`: " + ex.getMessage(), ex);
        }
        t.pc = pc;
        executed += steps;
    }

    // ---- parsing ----

    private void parse(String module) {
        String[] lines = module.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].trim();
            if (l.startsWith(".shared")) {
                declareShared(l);
            } else if (l.startsWith(".visible .entry ")) {
                String name = l.substring(".visible .entry ".length(), l.indexOf('('));
                List<String> params = new ArrayList<>();
                i++;
                for (; !lines[i].trim().equals(")"); i++) {
                    String p = lines[i].trim().replace(",", "");
                    params.add(p.substring(p.lastIndexOf(' ') + 1));
                }
                i++; // "{"
                List<String> body = new ArrayList<>();
                for (i++; !lines[i].trim().equals("}"); i++) {
                    body.add(lines[i].trim());
                }
                entries.put(name, decodeEntry(name, params, body));
            }
        }
    }

    private void declareShared(String l) {
        // .shared .align 4 .f32 name[128];
        String[] parts = l.replace(";", "").split("\\s+");
        int align = Integer.parseInt(parts[2]);
        String type = parts[3].substring(1);
        String decl = parts[4];
        String name = decl.substring(0, decl.indexOf('['));
        int count = Integer.parseInt(decl.substring(decl.indexOf('[') + 1, decl.indexOf(']')));
        int size = switch (type) {
            case "f64", "b64", "u64" -> 8;
            default -> 4;
        };
        sharedBytes = (sharedBytes + align - 1) / align * align;
        sharedSymbols.put(name, sharedBytes);
        sharedBytes += size * count;
    }

    private Entry decodeEntry(String name, List<String> params, List<String> body) {
        Map<String, Integer> labels = new HashMap<>();
        List<String> insns = new ArrayList<>();
        for (String l : body) {
            if (l.isEmpty() || l.startsWith("//") || l.startsWith(".reg")) {
                continue;
            }
            if (l.endsWith(":")) {
                labels.put(l.substring(0, l.length() - 1), insns.size());
                continue;
            }
            insns.add(l.substring(0, l.length() - 1)); // drop ';'
        }
        Map<String, Integer> regs = new HashMap<>();
        Insn[] code = new Insn[insns.size()];
        Decoder d = new Decoder(params, labels, regs);
        for (int i = 0; i < code.length; i++) {
            try {
                code[i] = d.decode(insns.get(i));
            } catch (RuntimeException ex) {
                throw new IllegalStateException(name + ": cannot decode `" + insns.get(i) + "`: " + ex.getMessage(), ex);
            }
        }
        return new Entry(name, params, code, insns.toArray(String[]::new), regs.size());
    }

    /** Decodes instructions of one entry. */
    private final class Decoder {
        private final List<String> params;
        private final Map<String, Integer> labels;
        private final Map<String, Integer> regs;

        Decoder(List<String> params, Map<String, Integer> labels, Map<String, Integer> regs) {
            this.params = params;
            this.labels = labels;
            this.regs = regs;
        }

        int reg(String name) {
            if (!name.startsWith("%")) {
                throw new IllegalArgumentException("not a register: " + name);
            }
            return regs.computeIfAbsent(name, n -> regs.size());
        }

        Insn decode(String line) {
            int guard = -1;
            boolean negated = false;
            if (line.startsWith("@")) {
                int sp = line.indexOf(' ');
                String g = line.substring(1, sp);
                negated = g.startsWith("!");
                guard = reg(negated ? g.substring(1) : g);
                line = line.substring(sp + 1).trim();
            }
            int sp = line.indexOf(' ');
            String op = sp < 0 ? line : line.substring(0, sp);
            String[] a = sp < 0 ? new String[0] : line.substring(sp + 1).split(",\\s*");
            Insn insn = plain(op, a);
            if (guard < 0) {
                return insn;
            }
            int g = guard;
            boolean neg = negated;
            return (t, pc) -> ((t.r[g] != 0) != neg) ? insn.exec(t, pc) : pc + 1;
        }

        Src src(String s) {
            if (s.startsWith("%")) {
                switch (s) {
                    case "%tid.x": return t -> t.tid[0];
                    case "%tid.y": return t -> t.tid[1];
                    case "%tid.z": return t -> t.tid[2];
                    case "%ntid.x": return t -> t.ntid[0];
                    case "%ntid.y": return t -> t.ntid[1];
                    case "%ctaid.x": return t -> t.ctaid[0];
                    case "%ctaid.y": return t -> t.ctaid[1];
                    case "%ctaid.z": return t -> t.ctaid[2];
                    case "%nctaid.x": return t -> t.nctaid[0];
                    case "%nctaid.y": return t -> t.nctaid[1];
                    case "%nctaid.z": return t -> t.nctaid[2];
                    default: {
                        int r = reg(s);
                        return t -> t.r[r];
                    }
                }
            }
            long v;
            if (s.startsWith("0f")) {
                v = Long.parseLong(s.substring(2), 16);
            } else if (s.startsWith("0d")) {
                v = Long.parseUnsignedLong(s.substring(2), 16);
            } else if (s.startsWith("0x")) {
                v = Long.parseUnsignedLong(s.substring(2), 16);
            } else if (sharedSymbols.containsKey(s)) {
                v = sharedSymbols.get(s);
            } else {
                v = Long.parseLong(s);
            }
            long c = v;
            return t -> c;
        }

        Insn plain(String op, String[] a) {
            String[] p = op.split("\\.");
            String type = p[p.length - 1];
            switch (p[0]) {
                case "ret": return (t, pc) -> DONE;
                case "bar": return (t, pc) -> BARRIER;
                case "bra": {
                    Integer target = labels.get(a[0]);
                    if (target == null) {
                        throw new IllegalArgumentException("unknown label " + a[0]);
                    }
                    int to = target;
                    return (t, pc) -> to;
                }
                case "ld": return load(p[1], type, a);
                case "st": return store(p[1], type, a);
                case "atom": return atomCas(a);
                case "cvta": return unary(a, x -> x);
                case "mov": return unary(a, x -> x);
                case "setp": return setp(p[1], type, a);
                case "selp": {
                    int d = reg(a[0]);
                    Src x = src(a[1]), y = src(a[2]), q = src(a[3]);
                    return (t, pc) -> {
                        t.r[d] = q.get(t) != 0 ? x.get(t) : y.get(t);
                        return pc + 1;
                    };
                }
                case "cvt": return convert(p, a);
                default: return arithmetic(p, type, a);
            }
        }

        private Insn unary(String[] a, java.util.function.LongUnaryOperator f) {
            int d = reg(a[0]);
            Src x = src(a[1]);
            return (t, pc) -> {
                t.r[d] = f.applyAsLong(x.get(t));
                return pc + 1;
            };
        }

        private Insn binary(String[] a, java.util.function.LongBinaryOperator f) {
            int d = reg(a[0]);
            Src x = src(a[1]), y = src(a[2]);
            return (t, pc) -> {
                t.r[d] = f.applyAsLong(x.get(t), y.get(t));
                return pc + 1;
            };
        }

        private Insn ternary(String[] a, Ternary f) {
            int d = reg(a[0]);
            Src x = src(a[1]), y = src(a[2]), z = src(a[3]);
            return (t, pc) -> {
                t.r[d] = f.apply(x.get(t), y.get(t), z.get(t));
                return pc + 1;
            };
        }

        /** {@code [%rd5]}, {@code [%rd5+4]}, {@code [param]}: base source and byte offset. */
        private record Address(Src base, long offset, String param) {
        }

        private Address address(String s) {
            String in = s.substring(1, s.length() - 1);
            if (!in.startsWith("%")) {
                return new Address(null, 0, in);
            }
            int plus = in.indexOf('+');
            return plus < 0 ? new Address(src(in), 0, null) : new Address(src(in.substring(0, plus)), Long.parseLong(in.substring(plus + 1)), null);
        }

        private Insn load(String space, String type, String[] a) {
            int d = reg(a[0]);
            Address at = address(a[1]);
            if (space.equals("param")) {
                int index = params.indexOf(at.param());
                if (index < 0) {
                    throw new IllegalArgumentException("unknown parameter " + at.param());
                }
                return (t, pc) -> {
                    t.r[d] = t.args[index];
                    return pc + 1;
                };
            }
            boolean shared = space.equals("shared");
            return (t, pc) -> {
                long addr = at.base().get(t) + at.offset();
                ByteBuffer buf = shared ? t.shared : memory.buffer(addr);
                int off = shared ? (int) addr : Memory.offset(addr);
                t.r[d] = switch (type) {
                    case "u8" -> buf.get(off) & 0xFFL;
                    case "s32", "b32", "u32", "f32" -> buf.getInt(off) & 0xFFFFFFFFL;
                    case "f64", "b64", "u64", "s64" -> buf.getLong(off);
                    default -> throw new IllegalStateException("load type " + type);
                };
                return pc + 1;
            };
        }

        private Insn store(String space, String type, String[] a) {
            Address at = address(a[0]);
            Src v = src(a[1]);
            boolean shared = space.equals("shared");
            return (t, pc) -> {
                long addr = at.base().get(t) + at.offset();
                ByteBuffer buf = shared ? t.shared : memory.buffer(addr);
                int off = shared ? (int) addr : Memory.offset(addr);
                long x = v.get(t);
                switch (type) {
                    case "u8" -> buf.put(off, (byte) x);
                    case "s32", "b32", "u32", "f32" -> buf.putInt(off, (int) x);
                    case "f64", "b64", "u64", "s64" -> buf.putLong(off, x);
                    default -> throw new IllegalStateException("store type " + type);
                }
                return pc + 1;
            };
        }

        private Insn atomCas(String[] a) {
            int d = reg(a[0]);
            Address at = address(a[1]);
            Src cmp = src(a[2]), val = src(a[3]);
            return (t, pc) -> {
                long addr = at.base().get(t) + at.offset();
                ByteBuffer buf = memory.buffer(addr);
                int off = Memory.offset(addr);
                int old = buf.getInt(off);
                if (old == (int) cmp.get(t)) {
                    buf.putInt(off, (int) val.get(t));
                }
                t.r[d] = old & 0xFFFFFFFFL;
                return pc + 1;
            };
        }

        private Insn setp(String cmp, String type, String[] a) {
            int d = reg(a[0]);
            Src x = src(a[1]), y = src(a[2]);
            Cmp c = switch (type) {
                case "s32" -> (u, v) -> intCompare(cmp, Integer.compare((int) u, (int) v));
                case "u32" -> (u, v) -> intCompare(cmp, Integer.compareUnsigned((int) u, (int) v));
                case "s64" -> (u, v) -> intCompare(cmp, Long.compare(u, v));
                case "f32" -> (u, v) -> floatCompare(cmp, f32(u), f32(v));
                case "f64" -> (u, v) -> floatCompare(cmp, f64(u), f64(v));
                default -> throw new IllegalArgumentException("setp type " + type);
            };
            return (t, pc) -> {
                t.r[d] = c.test(x.get(t), y.get(t)) ? 1 : 0;
                return pc + 1;
            };
        }

        private Insn convert(String[] p, String[] a) {
            // cvt[.rnd].dst.src
            String dst = p[p.length - 2], srcType = p[p.length - 1];
            String rnd = p.length == 4 ? p[1] : "";
            java.util.function.LongUnaryOperator f;
            if (dst.equals(srcType)) {
                f = switch (dst) {
                    case "f32" -> x -> bits((float) round(rnd, f32(x)));
                    case "f64" -> x -> bits(round(rnd, f64(x)));
                    default -> throw new IllegalArgumentException("cvt " + dst);
                };
            } else {
                f = switch (dst + "<-" + srcType) {
                    case "s32<-f32" -> x -> (int) round(rnd, f32(x)) & 0xFFFFFFFFL;
                    case "s32<-f64" -> x -> (int) round(rnd, f64(x)) & 0xFFFFFFFFL;
                    case "f32<-s32" -> x -> bits((float) (int) x);
                    case "f64<-s32" -> x -> bits((double) (int) x);
                    case "f32<-f64" -> x -> bits((float) f64(x));
                    case "f64<-f32" -> x -> bits((double) f32(x));
                    case "s64<-s32" -> x -> (long) (int) x;
                    case "u32<-u64" -> x -> x & 0xFFFFFFFFL;
                    default -> throw new IllegalArgumentException("cvt " + dst + " from " + srcType);
                };
            }
            return unary(a, f);
        }

        private Insn arithmetic(String[] p, String type, String[] a) {
            String op = p[0];
            if (type.equals("pred")) {
                return switch (op) {
                    case "and" -> binary(a, (x, y) -> x & y);
                    case "or" -> binary(a, (x, y) -> x | y);
                    case "xor" -> binary(a, (x, y) -> x ^ y);
                    case "not" -> unary(a, x -> x ^ 1);
                    default -> throw new IllegalArgumentException(op + ".pred");
                };
            }
            if (type.equals("f32")) {
                return switch (op) {
                    case "add" -> binary(a, (x, y) -> bits(f32(x) + f32(y)));
                    case "sub" -> binary(a, (x, y) -> bits(f32(x) - f32(y)));
                    case "mul" -> binary(a, (x, y) -> bits(f32(x) * f32(y)));
                    case "div" -> binary(a, (x, y) -> bits(f32(x) / f32(y)));
                    case "fma" -> ternary(a, (x, y, z) -> bits(Math.fma(f32(x), f32(y), f32(z))));
                    case "min" -> binary(a, (x, y) -> bits((float) ptxMin(f32(x), f32(y))));
                    case "max" -> binary(a, (x, y) -> bits((float) ptxMax(f32(x), f32(y))));
                    case "neg" -> unary(a, x -> bits(-f32(x)));
                    case "abs" -> unary(a, x -> bits(Math.abs(f32(x))));
                    case "sqrt" -> unary(a, x -> bits((float) Math.sqrt(f32(x))));
                    case "copysign" -> binary(a, (x, y) -> bits(Math.copySign(f32(y), f32(x))));
                    default -> throw new IllegalArgumentException(op + ".f32");
                };
            }
            if (type.equals("f64")) {
                return switch (op) {
                    case "add" -> binary(a, (x, y) -> bits(f64(x) + f64(y)));
                    case "sub" -> binary(a, (x, y) -> bits(f64(x) - f64(y)));
                    case "mul" -> binary(a, (x, y) -> bits(f64(x) * f64(y)));
                    case "div" -> binary(a, (x, y) -> bits(f64(x) / f64(y)));
                    case "fma" -> ternary(a, (x, y, z) -> bits(Math.fma(f64(x), f64(y), f64(z))));
                    case "min" -> binary(a, (x, y) -> bits(ptxMin(f64(x), f64(y))));
                    case "max" -> binary(a, (x, y) -> bits(ptxMax(f64(x), f64(y))));
                    case "neg" -> unary(a, x -> bits(-f64(x)));
                    case "abs" -> unary(a, x -> bits(Math.abs(f64(x))));
                    case "sqrt" -> unary(a, x -> bits(Math.sqrt(f64(x))));
                    case "copysign" -> binary(a, (x, y) -> bits(Math.copySign(f64(y), f64(x))));
                    default -> throw new IllegalArgumentException(op + ".f64");
                };
            }
            if (type.equals("b64") || type.equals("s64") || type.equals("u64")) {
                return switch (op) {
                    case "add" -> binary(a, Long::sum);
                    case "and" -> binary(a, (x, y) -> x & y);
                    case "or" -> binary(a, (x, y) -> x | y);
                    case "shl" -> binary(a, (x, y) -> y >= 64 ? 0 : x << y);
                    case "shr" -> binary(a, (x, y) -> y >= 64 ? 0 : x >>> y);
                    default -> throw new IllegalArgumentException(op + "." + type);
                };
            }
            // 32-bit integers
            if (op.equals("mul") && p[1].equals("wide")) {
                return binary(a, (x, y) -> (long) (int) x * (long) (int) y);
            }
            boolean unsigned = type.equals("u32");
            return switch (op) {
                case "add" -> binary(a, (x, y) -> w((int) x + (int) y));
                case "sub" -> binary(a, (x, y) -> w((int) x - (int) y));
                case "mul" -> binary(a, (x, y) -> w((int) x * (int) y));
                case "mad" -> ternary(a, (x, y, z) -> w((int) x * (int) y + (int) z));
                case "div" -> binary(a, (x, y) -> w(divide((int) x, (int) y)));
                case "rem" -> binary(a, (x, y) -> w(remainder((int) x, (int) y)));
                case "min" -> binary(a, (x, y) -> w(Math.min((int) x, (int) y)));
                case "max" -> binary(a, (x, y) -> w(Math.max((int) x, (int) y)));
                case "neg" -> unary(a, x -> w(-(int) x));
                case "abs" -> unary(a, x -> w(Math.abs((int) x)));
                case "not" -> unary(a, x -> w(~(int) x));
                case "and" -> binary(a, (x, y) -> w((int) x & (int) y));
                case "or" -> binary(a, (x, y) -> w((int) x | (int) y));
                case "xor" -> binary(a, (x, y) -> w((int) x ^ (int) y));
                case "shl" -> binary(a, (x, y) -> (int) y >= 32 ? 0 : w((int) x << (int) y));
                case "shr" -> unsigned || type.equals("b32")
                        ? binary(a, (x, y) -> (int) y >= 32 ? 0 : w((int) x >>> (int) y))
                        : binary(a, (x, y) -> w((int) x >> Math.min((int) y, 31)));
                default -> throw new IllegalArgumentException(op + "." + type);
            };
        }
    }

    private interface Ternary {
        long apply(long x, long y, long z);
    }

    private interface Cmp {
        boolean test(long x, long y);
    }

    // ---- semantics ----

    private static long w(int v) {
        return v & 0xFFFFFFFFL;
    }

    private static float f32(long bits) {
        return Float.intBitsToFloat((int) bits);
    }

    private static double f64(long bits) {
        return Double.longBitsToDouble(bits);
    }

    private static long bits(float f) {
        return Float.floatToRawIntBits(f) & 0xFFFFFFFFL;
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    private static int divide(int x, int y) {
        if (y == 0) {
            throw new ArithmeticException("div.s32 by zero");
        }
        return x / y;
    }

    private static int remainder(int x, int y) {
        if (y == 0) {
            throw new ArithmeticException("rem.s32 by zero");
        }
        return x % y;
    }

    private static double round(String mode, double x) {
        return switch (mode) {
            case "rni" -> Math.rint(x);
            case "rmi" -> Math.floor(x);
            case "rpi" -> Math.ceil(x);
            case "rzi" -> x < 0 ? Math.ceil(x) : Math.floor(x);
            case "rn", "" -> x;
            default -> throw new IllegalArgumentException("rounding " + mode);
        };
    }

    /** PTX min/max: a NaN operand yields the other operand. */
    private static double ptxMin(double x, double y) {
        return Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.min(x, y);
    }

    private static double ptxMax(double x, double y) {
        return Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.max(x, y);
    }

    private static boolean intCompare(String cmp, int c) {
        return switch (cmp) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "lt" -> c < 0;
            case "le" -> c <= 0;
            case "gt" -> c > 0;
            case "ge" -> c >= 0;
            default -> throw new IllegalArgumentException("integer setp." + cmp);
        };
    }

    private static boolean floatCompare(String cmp, double x, double y) {
        boolean unordered = Double.isNaN(x) || Double.isNaN(y);
        return switch (cmp) {
            case "eq" -> x == y;
            case "ne" -> !unordered && x != y;
            case "lt" -> x < y;
            case "le" -> x <= y;
            case "gt" -> x > y;
            case "ge" -> x >= y;
            case "neu" -> unordered || x != y;
            case "ltu" -> unordered || x < y;
            case "nan" -> unordered;
            default -> throw new IllegalArgumentException("float setp." + cmp);
        };
    }
}
