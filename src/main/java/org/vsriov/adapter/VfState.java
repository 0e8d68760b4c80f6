package org.vsriov.adapter;

import java.util.List;

/**
 * What the PF side can see of one VF.
 *
 * @param vfId the VF
 * @param pendingMask every bit invalidated since the VF last acknowledged
 * @param cursor the VF's current invalidation cursor
 * @param waiters invalidation polls parked right now
 * @param writtenBlocks the blocks written since the VF was allocated (a reset keeps them), by id
 * @param writeLogSize VF writes retained in the log
 * @param writeWaiters block-write polls (the PF's) parked right now
 * @param blockSource who answers the VF's reads and writes
 */
public record VfState(int vfId, BlockMask pendingMask, Cursor cursor, int waiters, List<WrittenBlock> writtenBlocks,
		int writeLogSize, int writeWaiters, BlockSource blockSource) {

	/**
	 * A block that has been written.
	 *
	 * @param blockId its id
	 * @param version its version
	 * @param updatedBy who wrote it last
	 */
	public record WrittenBlock(int blockId, long version, Role updatedBy) {
	}

}
