package dev.kiln.ir.io;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1.0–3.0), the exchange format of the golden gradients
 * and of checkpoints. Reads little-endian, C-order {@code <f4 <f8 <i4 <i8 |b1 |u1}; int64 and
 * uint8 load as i32 (int64 values must fit). Writes f32, f64, i32 and bool atomically (temporary
 * file, then rename), so an interrupted checkpoint never leaves a torn file.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static ArrayData read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KilnException("npy", "cannot read " + file + ": " + e.getMessage());
        }
        try {
            return parse(bytes);
        } catch (KilnException e) {
            throw new KilnException("npy", file + ": " + e.detail());
        } catch (RuntimeException e) {
            throw new KilnException("npy", file + ": not a valid .npy file (" + e + ")");
        }
    }

    static ArrayData parse(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte m : MAGIC) {
            if (!buf.hasRemaining() || buf.get() != m) {
                throw new KilnException("npy", "missing the \\x93NUMPY magic string");
            }
        }
        int major = buf.get() & 0xff;
        buf.get();
        int headerLen = major == 1 ? buf.getShort() & 0xffff : buf.getInt();
        if (major < 1 || major > 3 || headerLen < 0 || headerLen > buf.remaining()) {
            throw new KilnException("npy", "unsupported format version " + major + " or bad header length");
        }
        byte[] h = new byte[headerLen];
        buf.get(h);
        String header = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr");
        if ("True".equals(group(FORTRAN, header, "fortran_order"))) {
            throw new KilnException("npy", "Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        int[] dims = parseShape(group(SHAPE, header, "shape"));
        Shape shape = Shape.of(dims);
        int n = shape.numel();
        return switch (descr) {
            case "<f4" -> {
                need(buf, n, 4, descr);
                float[] a = new float[n];
                buf.asFloatBuffer().get(a);
                yield ArrayData.wrap(new TensorType(DType.F32, shape), a);
            }
            case "<f8" -> {
                need(buf, n, 8, descr);
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                yield ArrayData.wrap(new TensorType(DType.F64, shape), a);
            }
            case "<i4" -> {
                need(buf, n, 4, descr);
                int[] a = new int[n];
                buf.asIntBuffer().get(a);
                yield ArrayData.wrap(new TensorType(DType.I32, shape), a);
            }
            case "<i8" -> {
                need(buf, n, 8, descr);
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    long v = buf.getLong();
                    if (v != (int) v) {
                        throw new KilnException("npy", "int64 value " + v + " at index " + i + " does not fit in i32");
                    }
                    a[i] = (int) v;
                }
                yield ArrayData.wrap(new TensorType(DType.I32, shape), a);
            }
            case "|b1" -> {
                need(buf, n, 1, descr);
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = buf.get() != 0;
                }
                yield ArrayData.wrap(new TensorType(DType.BOOL, shape), a);
            }
            case "|u1" -> {
                need(buf, n, 1, descr);
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = buf.get() & 0xff;
                }
                yield ArrayData.wrap(new TensorType(DType.I32, shape), a);
            }
            default -> throw new KilnException("npy", "unsupported dtype '" + descr
                    + "' (supported: <f4 <f8 <i4 <i8 |b1 |u1, little-endian)");
        };
    }

    /** Writes {@code a} to {@code file} atomically (a temporary file renamed into place). */
    public static void write(Path file, ArrayData a) {
        String descr = switch (a.dtype()) {
            case F32 -> "<f4";
            case F64 -> "<f8";
            case I32 -> "<i4";
            case BOOL -> "|b1";
        };
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < a.shape().rank(); i++) {
            shape.append(a.shape().dim(i)).append(a.shape().rank() == 1 ? "," : i + 1 < a.shape().rank() ? ", " : "");
        }
        shape.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + a.size() * a.dtype().byteSize())
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
        switch (a.dtype()) {
            case F32 -> buf.asFloatBuffer().put(a.floatStorage());
            case F64 -> buf.asDoubleBuffer().put(a.doubleStorage());
            case I32 -> buf.asIntBuffer().put(a.intStorage());
            case BOOL -> {
                int p = buf.position();
                boolean[] b = a.boolStorage();
                for (int i = 0; i < b.length; i++) {
                    buf.put(p + i, (byte) (b[i] ? 1 : 0));
                }
            }
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            Files.write(tmp, buf.array());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("kiln: cannot write " + file, e);
        }
    }

    private static void need(ByteBuffer buf, int n, int size, String descr) {
        if (buf.remaining() < (long) n * size) {
            throw new KilnException("npy", "file is truncated: " + n + " elements of " + descr + " need "
                    + (long) n * size + " bytes, " + buf.remaining() + " present");
        }
    }

    private static String group(Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new KilnException("npy", "header has no '" + key + "': " + header.strip());
        }
        return m.group(1);
    }

    private static int[] parseShape(String s) {
        String[] parts = s.split(",");
        int count = 0;
        int[] dims = new int[parts.length];
        for (String p : parts) {
            String t = p.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (t.endsWith("L")) {
                t = t.substring(0, t.length() - 1);
            }
            dims[count++] = Integer.parseInt(t);
        }
        return java.util.Arrays.copyOf(dims, count);
    }
}
