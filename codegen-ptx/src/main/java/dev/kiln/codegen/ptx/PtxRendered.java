package dev.kiln.codegen.ptx;

/** A rendered PTX kernel and how to launch it. */
record PtxRendered(PtxKernel kernel, PtxLaunch launch) {
}
