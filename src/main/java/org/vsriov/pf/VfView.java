package org.vsriov.pf;

import java.util.List;

import org.vsriov.adapter.BlockSource;
import org.vsriov.adapter.VfState;

/**
 * A VF as the PF side sees it.
 *
 * @param vfId the VF
 * @param pendingMask every bit invalidated and not yet acknowledged by the VF
 * @param blocks the pending mask's bits as block ids
 * @param cursor the VF's current invalidation cursor, for watching; a VF that polls with it as
 *     {@code after} acknowledges everything pending, delivered or not
 * @param waiters invalidation polls parked right now
 * @param writtenBlocks the blocks written since the VF was allocated (a reset keeps them), with
 *     versions and last writer
 * @param writeLogSize VF writes retained in the block-write log
 * @param blockWriteWaiters the PF's block-write polls parked right now
 * @param blockSource who answers the VF's reads and writes: store (vsriov) or pf (a PF agent)
 */
record VfView(int vfId, String pendingMask, List<Integer> blocks, String cursor, int waiters,
		List<VfState.WrittenBlock> writtenBlocks, int writeLogSize, int blockWriteWaiters, BlockSource blockSource) {

	static VfView of(VfState state) {
		return new VfView(state.vfId(), state.pendingMask().toHex(), state.pendingMask().blocks(),
				state.cursor().encode(), state.waiters(), state.writtenBlocks(), state.writeLogSize(),
				state.writeWaiters(), state.blockSource());
	}

}
