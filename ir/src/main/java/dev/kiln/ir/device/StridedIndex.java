package dev.kiln.ir.device;

import java.util.ArrayList;
import java.util.List;

/**
 * The memory offset of a flattened group of array dimensions: viewing dimensions
 * {@code d1..dn} (sizes {@code s1..sn}, element strides {@code t1..tn}) as one index {@code x} in
 * row-major order, the element sits at {@code sum_j ((x / inner_j) % s_j) * t_j}. Neighbouring
 * dimensions that are contiguous in memory merge into one term, so a plain row-major group is a
 * single term {@code x * stride} and a transposed operand costs no copy: a GPU matrix product reads
 * it through its strides.
 *
 * @param terms the terms, outermost first; the first one needs no remainder (its quotient is below its size)
 */
public record StridedIndex(List<Term> terms) {

    /** {@code ((x / divisor) % size) * stride}; {@code size} is the dimension's extent. */
    public record Term(int divisor, int size, int stride) {
    }

    public StridedIndex {
        terms = List.copyOf(terms);
    }

    /**
     * The group of dimensions {@code sizes}/{@code strides} (outermost first), merged and with
     * unit dimensions dropped.
     */
    public static StridedIndex of(int[] sizes, int[] strides) {
        List<int[]> dims = new ArrayList<>(); // {size, stride}, innermost first after the loop
        for (int d = sizes.length - 1; d >= 0; d--) {
            if (sizes[d] == 1) {
                continue;
            }
            if (!dims.isEmpty()) {
                int[] inner = dims.getLast();
                if (strides[d] == (long) inner[0] * inner[1]) {
                    inner[0] *= sizes[d];
                    continue;
                }
            }
            dims.add(new int[]{sizes[d], strides[d]});
        }
        List<Term> terms = new ArrayList<>();
        long divisor = 1;
        for (int[] d : dims) {
            terms.add(new Term((int) divisor, d[0], d[1]));
            divisor *= d[0];
        }
        return new StridedIndex(terms.reversed());
    }

    /** Whether the offset is {@code x * stride()} (one term, or none: every index is 0). */
    public boolean isLinear() {
        return terms.size() <= 1;
    }

    /** The stride of a linear index (0 when the group is empty or all unit dimensions). */
    public int stride() {
        if (!isLinear()) {
            throw new IllegalStateException("not a linear index: " + this);
        }
        return terms.isEmpty() ? 0 : terms.getFirst().stride();
    }

    /** Whether term {@code j} needs its remainder (every term but the outermost does). */
    public boolean needsRemainder(int j) {
        return j > 0;
    }

    /** The offset of flat index {@code x} (for tests and host-side code). */
    public long offset(long x) {
        long off = 0;
        for (int j = 0; j < terms.size(); j++) {
            Term t = terms.get(j);
            long q = x / t.divisor();
            off += (needsRemainder(j) ? q % t.size() : q) * t.stride();
        }
        return off;
    }

    @Override
    public String toString() {
        if (terms.isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < terms.size(); j++) {
            Term t = terms.get(j);
            if (j > 0) {
                sb.append(" + ");
            }
            String q = t.divisor() == 1 ? "x" : "x/" + t.divisor();
            sb.append(needsRemainder(j) ? "(" + q + ")%" + t.size() : q).append('*').append(t.stride());
        }
        return sb.toString();
    }
}
