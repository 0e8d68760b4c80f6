package org.vsriov.adapter;

/** How an OID request ended, as the VF whose read or write it is learns it. */
public sealed interface OidOutcome {

	/**
	 * The PF completed it with NDIS_STATUS_SUCCESS.
	 *
	 * @param data a read's bytes (as many as the PF gave: fewer than asked is a short read), or the
	 *     bytes a write wrote
	 */
	record Completed(byte[] data) implements OidOutcome {

		public Completed {
			data = data.clone();
		}

		@Override
		public byte[] data() {
			return this.data.clone();
		}

	}

	/**
	 * The PF failed it.
	 *
	 * @param status the PF's status, never success
	 * @param bytesNeeded what the PF said it needs, with {@link NdisStatus#NDIS_STATUS_INVALID_LENGTH}, or null
	 */
	record Failed(NdisStatus status, Long bytesNeeded) implements OidOutcome {
	}

	/**
	 * Not completed: the PF took too long ({@link Fault#PF_TIMEOUT}), the VF was freed
	 * ({@link Fault#VF_GONE}) or reset ({@link Fault#VF_RESET}), or the service is stopping
	 * ({@link Fault#SERVICE_STOPPING}).
	 *
	 * @param fault which
	 */
	record Ended(Fault fault) implements OidOutcome {
	}

}
