package dev.kiln.codegen.ptx;

import dev.kiln.ir.device.ElementwiseCases;
import dev.kiln.ir.device.KernelCases;
import org.junit.jupiter.api.Test;

/** The shared device test cases as PTX on the emulator, against the interpreter. */
class PtxEmulatedCasesTest {

    @Test
    void everyElementwiseOperationMatchesTheInterpreterOnEdgeValues() {
        PtxTesting.checkCases(ElementwiseCases.all(6), new EmulatedDevice());
    }

    @Test
    void handPickedKernelsMatchTheInterpreter() {
        PtxTesting.checkCases(KernelCases.all(5), new EmulatedDevice());
    }
}
