package org.vsriov.web;

import jakarta.servlet.http.HttpServletRequest;
import org.vsriov.adapter.ConfigBlock;
import org.vsriov.adapter.Role;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * What the PF's and the VF's config-block controllers share: reading a block as JSON or raw bytes
 * with its ETag, and writing one under If-Match. Each subclass maps its own paths and says which role
 * it writes as.
 */
public abstract class ConfigBlockEndpoint {

	private final VirtualAdapter adapter;

	private final Role role;

	protected ConfigBlockEndpoint(VirtualAdapter adapter, Role role) {
		this.adapter = adapter;
		this.role = role;
	}

	/**
	 * The block's first {@code length} bytes (all of it without), raw if the client prefers that
	 * ({@link ContentNegotiation}).
	 */
	protected ResponseEntity<?> readBlock(int vfId, int blockId, Integer length, HttpServletRequest request) {
		int n = (length != null) ? this.adapter.checkLength(length) : this.adapter.properties().blockSize();
		ConfigBlock block = this.adapter.read(vfId, blockId, n, this.role);
		var response = ResponseEntity.ok().eTag(EntityTags.of(block.version()));
		if (ContentNegotiation.prefersRaw(request)) {
			return response.contentType(MediaType.APPLICATION_OCTET_STREAM).body(block.bytes(n));
		}
		return response.contentType(MediaType.APPLICATION_JSON).body(BlockView.of(block, n));
	}

	/** Checks a write's If-Match or If-None-Match (400 if malformed, 412 if it fails) without writing. */
	protected void checkPreconditions(int vfId, int blockId, String ifMatch, String ifNoneMatch) {
		this.adapter.checkVersion(vfId, blockId, EntityTags.preconditions(ifMatch, ifNoneMatch));
	}

	/** Replaces the block's content; a null body is an empty write, refused as such. */
	protected ResponseEntity<BlockView> writeBlock(int vfId, int blockId, byte[] data, String ifMatch,
			String ifNoneMatch) {
		ConfigBlock block = this.adapter.write(vfId, blockId, (data != null) ? data : new byte[0], this.role,
				EntityTags.preconditions(ifMatch, ifNoneMatch));
		return ResponseEntity.ok()
			.eTag(EntityTags.of(block.version()))
			.body(BlockView.of(block, this.adapter.properties().blockSize()));
	}

}
