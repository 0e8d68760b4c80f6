package org.vsriov.adapter;

/**
 * The VF's block writes of one life, in order, keeping the newest {@code retention} of them so that a
 * record streamed as several writes to one block reaches the PF whole. Not thread-safe: the owning
 * {@link VirtualFunction} guards it with the lock that also orders the block versions.
 */
final class WriteLog {

	private final BlockWrite[] ring;

	private long appended;

	WriteLog(int retention) {
		this.ring = new BlockWrite[retention];
	}

	void append(BlockWrite write) {
		this.ring[(int) (this.appended % this.ring.length)] = write;
		this.appended++;
	}

	/** Writes still retained. */
	int size() {
		return (int) Math.min(this.appended, this.ring.length);
	}

}
