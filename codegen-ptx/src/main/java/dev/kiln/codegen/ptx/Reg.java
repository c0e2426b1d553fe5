package dev.kiln.codegen.ptx;

/** A virtual register of a kernel ({@code %r12}); ptxas allocates the physical ones. */
record Reg(PtxType type, int number) {
    @Override
    public String toString() {
        return type.prefix + number;
    }
}
