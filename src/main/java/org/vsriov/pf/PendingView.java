package org.vsriov.pf;

import java.util.List;

import org.vsriov.adapter.BlockMask;

/**
 * A VF's pending mask after an invalidation.
 *
 * @param vfId the VF
 * @param pendingMask every bit invalidated and not yet acknowledged, as 16 hex digits
 * @param blocks the same bits as block ids, ascending
 */
record PendingView(int vfId, String pendingMask, List<Integer> blocks) {

	static PendingView of(int vfId, BlockMask pending) {
		return new PendingView(vfId, pending.toHex(), pending.blocks());
	}

}
