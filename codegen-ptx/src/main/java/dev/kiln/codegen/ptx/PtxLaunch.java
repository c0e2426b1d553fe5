package dev.kiln.codegen.ptx;

import dev.kiln.ir.device.DeviceMemory;
import java.util.Arrays;
import java.util.List;

/**
 * One kernel launch of a PTX module: the entry, its grid and block dimensions (x, y, z), and its
 * arguments: the device allocations it touches, in order, then the error flag when it checks indices.
 */
public record PtxLaunch(String kernel, int[] grid, int[] block, List<DeviceMemory.Block> blocks, boolean errorFlag) {
    public PtxLaunch {
        grid = grid.clone();
        block = block.clone();
        blocks = List.copyOf(blocks);
    }

    static PtxLaunch linear(PtxKernel k, long blocks, int threads) {
        return new PtxLaunch(k.name, new int[]{(int) Math.max(1, blocks), 1, 1}, new int[]{threads, 1, 1}, k.blocks(), k.hasErrorFlag());
    }

    @Override
    public String toString() {
        return kernel + " grid " + Arrays.toString(grid) + " block " + Arrays.toString(block);
    }
}
