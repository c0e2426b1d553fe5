/**
 * The JVM backend's library kernels: the heavy primitives (dot_general, conv_general_dilated,
 * reduce_window, select_and_scatter_add, gather, scatter_add) hand-written on the Vector API and
 * spread over cores, with exactly the semantics of the primitives' records and of the reference
 * interpreter (every kernel is tested against it).
 *
 * <h2>How the backend calls them</h2>
 * Prepare once per (primitive, operand types), run many times:
 * <pre>{@code
 * DotGeneralKernel k = DotGeneralKernel.prepare(p, lhsType, rhsType);   // also ConvKernel, ReduceWindowKernel,
 * float[] scratch = ...;  // k.scratchSize() elements, e.g. a slice of the f32 arena   // SelectAndScatterAddKernel
 * k.run(arena, lhsOff, arena, rhsOff, arena, outOff, scratch, scratchOff);
 * }</pre>
 * <ul>
 * <li>Every buffer is an (array, offset) pair, so operands and results can live anywhere in the
 *     backend's per-dtype arenas ({@code float[]} for f32, {@code double[]} for f64,
 *     {@code int[]} for i32). Each kernel has a run method per dtype it supports; calling the
 *     wrong one throws {@link java.lang.IllegalStateException}.
 * <li>{@code scratchSize()} is in elements of the kernel's dtype (floats for an f32 kernel); the
 *     hot paths allocate nothing else of any size. f64 paths need no scratch.
 * <li>Outputs are overwritten, never accumulated into, and must not overlap the inputs, except
 *     scatter_add, whose output may be its operand's own buffer.
 * <li>A prepared kernel is immutable: several threads may run it at once, each with its own
 *     output and scratch.
 * <li>gather and scatter_add are planned with {@link dev.kiln.codegen.jvm.kernels.IndexKernels}
 *     and run by its static methods; an index out of range throws a
 *     {@link dev.kiln.ir.KilnException} naming the operation, the index, its position and the
 *     operand's shape.
 * </ul>
 *
 * <h2>How they are fast</h2>
 * <ul>
 * <li>{@link dev.kiln.codegen.jvm.kernels.Sgemm}: packed BLIS-style GEMM with a 6 x 32 register
 *     tile; unpacked for small products, an outer-product loop for k = 1, inner products for
 *     narrow {@code x·Wᵀ}; {@link dev.kiln.codegen.jvm.kernels.BatchedGemm} spreads per-example
 *     products over the lanes.
 * <li>{@link dev.kiln.codegen.jvm.kernels.ConvKernel} picks a plan per shape: gathered rows
 *     (small feature maps: output positions over examples as GEMM rows read through offset
 *     tables, lhs dilation split into output phases that skip the holes), implicit im2col
 *     (larger forward convolutions and input gradients), inner products along the taps (kernel
 *     gradients with long kernels, per-example ones as feature-grouped convolutions with one
 *     group per example), explicit im2col for the rest. {@code ConvPlansBenchmark} (test scope)
 *     times every plan on the paper CNNs' convolutions.
 * <li>Max pooling with 2x2 windows and stride 1 and its gradient sweep each plane flat, a
 *     vector of windows at a time (the rows are shorter than a vector), the selections as masks.
 * <li>{@link dev.kiln.codegen.jvm.kernels.Parallel}: one pool of daemon threads
 *     ({@code availableProcessors}, or the system property {@code kiln.threads}); the caller
 *     always works too, small jobs run inline.
 * </ul>
 *
 * <h2>Lessons that shaped the code (measured on the 2-core Zen 4 machine)</h2>
 * <ul>
 * <li>A Vector API value that crosses a call C2 does not inline, or a masked load/store with a
 *     mask built elsewhere, falls back to the API's Java implementation: 10-100x slower. The
 *     micro-kernels therefore take no vectors or masks as arguments and never use masks; ragged
 *     edges go through small tile buffers.
 * <li>C2 spills with more than about 16 live vectors: 6 x 2 vectors beats 4 x 4 and 8 x 3.
 * <li>Loops of 2-4 iterations (a pooling window) and divisions in row loops cost more than the
 *     work; pooling runs a row of outputs per window offset, or a direct 2x2 loop.
 * </ul>
 * Figures: run {@code KernelBenchmark} (test scope) as its class comment says.
 */
package dev.kiln.codegen.jvm.kernels;
