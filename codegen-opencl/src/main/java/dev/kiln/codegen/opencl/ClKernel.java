package dev.kiln.codegen.opencl;

/** The OpenCL C of one kernel function and how to launch it. */
record ClKernel(String source, ClLaunch launch) {
}
