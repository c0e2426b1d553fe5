package dev.kiln.codegen.jvm;

/** One kernel of a compiled schedule, ready to run on a frame's arrays. */
sealed interface Step permits LoopStep, LibraryStep {
    String name();

    void run(RunFrame frame);
}
