package org.vsriov.adapter;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A position in one VF's stream of invalidations or of block writes, in one life of that VF, or in
 * the adapter's stream of OID requests or its journal, in one run of the service. Clients
 * store its text and send it back; its checksum tells a mistyped cursor (400) from one of an earlier
 * life (410), which a new random life id per allocation, reset and service start makes recognisable.
 *
 * @param stream which stream it points into
 * @param vfId the VF it belongs to
 * @param life the VF life it was issued in
 * @param position how many events of the stream that life had seen when it was issued
 */
public record Cursor(Stream stream, int vfId, long life, long position) {

	/** The streams a client can follow. */
	public enum Stream {

		/** PF invalidations, read by the VF's long poll. */
		INVALIDATIONS,
		/** VF block writes, read by the PF's long poll. */
		BLOCK_WRITES,
		/** OID requests of every VF whose block source is the PF, read by the PF's long poll (vfId -1). */
		OID_REQUESTS,
		/** The adapter's journal of every operation, read by the test instrument's long poll (vfId -1). */
		JOURNAL

	}

	private static final int BYTES = 1 + Integer.BYTES + Long.BYTES + Long.BYTES + Integer.BYTES;

	private static final int MAX_TEXT = 64;

	public Cursor {
		if (position < 0) {
			throw new IllegalArgumentException("position must not be negative: " + position);
		}
	}

	/**
	 * Reads a cursor's text.
	 * @throws AdapterException {@link Fault#INVALID_CURSOR} if this service cannot have issued it
	 */
	public static Cursor parse(String text) {
		byte[] raw;
		try {
			raw = (text.length() <= MAX_TEXT) ? Base64.getUrlDecoder().decode(text) : new byte[0];
		}
		catch (IllegalArgumentException ex) {
			raw = new byte[0];
		}
		if (raw.length != BYTES) {
			throw invalid(text);
		}
		var buffer = ByteBuffer.wrap(raw);
		int kind = buffer.get();
		int vfId = buffer.getInt();
		long life = buffer.getLong();
		long position = buffer.getLong();
		if (buffer.getInt() != checksum(raw) || kind < 0 || kind >= Stream.values().length || position < 0) {
			throw invalid(text);
		}
		return new Cursor(Stream.values()[kind], vfId, life, position);
	}

	/** The text a client stores: URL-safe, no padding. */
	public String encode() {
		var buffer = ByteBuffer.allocate(BYTES);
		buffer.put((byte) this.stream.ordinal()).putInt(this.vfId).putLong(this.life).putLong(this.position);
		buffer.putInt(checksum(buffer.array()));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
	}

	/** What stream it points into, for a person: "block-writes of VF 3", "journal of the adapter". */
	public String describe() {
		String name = this.stream.name().toLowerCase().replace('_', '-');
		return switch (this.stream) {
			case OID_REQUESTS -> name + " of the PF";
			case JOURNAL -> name + " of the adapter";
			default -> name + " of VF " + this.vfId;
		};
	}

	@Override
	public String toString() {
		return encode();
	}

	private static int checksum(byte[] raw) {
		var crc = new CRC32();
		crc.update(raw, 0, BYTES - Integer.BYTES);
		return (int) crc.getValue();
	}

	private static AdapterException invalid(String text) {
		return new AdapterException(Fault.INVALID_CURSOR,
				"cursor is not one this service issued; send back the cursor of an earlier answer unchanged",
				Map.of("cursor", text));
	}

}
