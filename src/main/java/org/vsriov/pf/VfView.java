package org.vsriov.pf;

import java.util.List;

import org.vsriov.adapter.VfState;

/**
 * A VF as the PF side sees it.
 *
 * @param vfId the VF
 * @param pendingMask every bit invalidated and not yet acknowledged by the VF
 * @param pendingBlocks the same bits as block ids
 * @param cursor the VF's current invalidation cursor
 * @param waiters invalidation polls parked right now
 * @param blocks the blocks written in this life, with versions and last writer
 * @param writeLogSize VF writes retained in the block-write log
 */
record VfView(int vfId, String pendingMask, List<Integer> pendingBlocks, String cursor, int waiters,
		List<VfState.WrittenBlock> blocks, int writeLogSize) {

	static VfView of(VfState state) {
		return new VfView(state.vfId(), state.pendingMask().toHex(), state.pendingMask().blocks(),
				state.cursor().encode(), state.waiters(), state.blocks(), state.writeLogSize());
	}

}
