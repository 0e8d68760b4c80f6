package org.vsriov.web;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.BlockSource;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.NdisStatus;
import org.vsriov.adapter.OidOutcome;
import org.vsriov.adapter.OidRequest;
import org.vsriov.adapter.Role;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * A VF's reads and writes when its block source is the PF: each becomes an OID request
 * ({@link VirtualAdapter#readFromPf}), and the VF's HTTP request waits for its outcome without a
 * thread, as a Spring MVC {@link DeferredResult}. Only these go asynchronous: the controller starts
 * the deferred result here and returns null, so that a VF whose blocks are in vsriov's store is
 * answered as before, in the request's own dispatch.
 */
public final class PfAnswers {

	// Past the OID timeout, after which the adapter's timer has always answered: Spring MVC's own
	// timeout (a 503) is only a fallback.
	private static final Duration GRACE = Duration.ofSeconds(10);

	private final VirtualAdapter adapter;

	private final Clock clock = Clock.systemUTC();

	public PfAnswers(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	/** Whether the PF answers this VF's reads and writes; 404 for a VF not allocated. */
	public boolean answer(int vfId) {
		return this.adapter.blockSource(vfId) == BlockSource.PF;
	}

	/**
	 * NdisMReadConfigBlock as OID_SRIOV_READ_VF_CONFIG_BLOCK of {@code length} bytes: the PF's
	 * bytes, at most {@code cutTo} of them (a fault rule's short read cuts the answer), raw if the
	 * client prefers that, else JSON. Returns null: the answer comes later.
	 */
	public @Nullable ResponseEntity<?> read(int vfId, int blockId, int length, int cutTo, HttpServletRequest request) {
		boolean raw = ContentNegotiation.prefersRaw(request);
		var result = deferred();
		OidRequest asked = this.adapter.readFromPf(vfId, blockId, length, (outcome) -> {
			if (outcome instanceof OidOutcome.Completed completed) {
				byte[] bytes = (completed.data().length > cutTo) ? Arrays.copyOf(completed.data(), cutTo)
						: completed.data();
				result.setResult(raw
						? ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(bytes)
						: ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
							.body(BlockView.answered(vfId, blockId, bytes, Role.PF, this.clock.instant())));
			}
			else {
				result.setErrorResult(refusal(outcome, vfId, blockId));
			}
		});
		start(result, request, asked);
		return null;
	}

	/**
	 * NdisMWriteConfigBlock as OID_SRIOV_WRITE_VF_CONFIG_BLOCK: the bytes written, as the PF
	 * accepted them. Versions belong to vsriov's store, so a conditional write is refused. Returns
	 * null: the answer comes later.
	 */
	public @Nullable ResponseEntity<BlockView> write(int vfId, int blockId, byte @Nullable [] data,
			@Nullable String ifMatch, @Nullable String ifNoneMatch, HttpServletRequest request) {
		checkUnconditional(vfId, blockId, ifMatch, ifNoneMatch);
		var result = deferred();
		OidRequest asked = this.adapter.writeToPf(vfId, blockId, (data != null) ? data : new byte[0], (outcome) -> {
			if (outcome instanceof OidOutcome.Completed completed) {
				result.setResult(ResponseEntity.ok()
					.body(BlockView.answered(vfId, blockId, completed.data(), Role.VF, this.clock.instant())));
			}
			else {
				result.setErrorResult(refusal(outcome, vfId, blockId));
			}
		});
		start(result, request, asked);
		return null;
	}

	/**
	 * Refuses a conditional write of a VF whose blocks the PF answers: versions belong to vsriov's store.
	 * @throws AdapterException {@link Fault#MALFORMED_REQUEST} if it has If-Match or If-None-Match
	 */
	public static void checkUnconditional(int vfId, int blockId, @Nullable String ifMatch, @Nullable String ifNoneMatch) {
		if (ifMatch != null || ifNoneMatch != null) {
			throw new AdapterException(Fault.MALFORMED_REQUEST, "VF " + vfId + " has its blocks answered by the PF "
					+ "(block source pf), and versions belong to vsriov's store: write without If-Match or If-None-Match",
					Map.of("vfId", vfId, "blockId", blockId));
		}
	}

	private DeferredResult<ResponseEntity<?>> deferred() {
		return new DeferredResult<>(this.adapter.properties().oid().timeout().plus(GRACE).toMillis());
	}

	/**
	 * Hands the request over to Spring MVC's asynchronous handling, once the adapter has taken the
	 * request (a refusal before that is answered at once, as in the store), as Spring MVC does for a
	 * handler that returns a DeferredResult, with a model container of its own for the dispatch that
	 * writes the answer (a ResponseEntity, which uses none). The handler then returns null, which
	 * Spring MVC ignores once asynchronous handling has started.
	 */
	private static void start(DeferredResult<ResponseEntity<?>> result, HttpServletRequest request,
			@Nullable OidRequest asked) {
		try {
			WebAsyncUtils.getAsyncManager(request).startDeferredResultProcessing(result, new ModelAndViewContainer());
		}
		catch (Exception ex) {
			throw new IllegalStateException("OID request " + ((asked != null) ? asked.requestId() : "(delayed)")
					+ " could not wait for the PF", ex);
		}
	}

	/** The VF's 502 when the PF failed its read or write (or a fault rule did, as the PF would). */
	public static AdapterException failed(int vfId, int blockId, NdisStatus status, @Nullable Long bytesNeeded) {
		var values = new LinkedHashMap<String, Object>();
		values.put("vfId", vfId);
		values.put("blockId", blockId);
		values.put("ndisStatus", status.name());
		if (bytesNeeded != null) {
			values.put("bytesNeeded", bytesNeeded);
		}
		return new AdapterException(Fault.PF_FAILED, "the PF failed the request with " + status.name()
				+ " (a VF driver learns only NDIS_STATUS_FAILURE)", values);
	}

	/** What the VF is answered when the PF failed the request, did not complete it, or the VF's life ended. */
	private AdapterException refusal(OidOutcome outcome, int vfId, int blockId) {
		if (outcome instanceof OidOutcome.Failed failed) {
			return failed(vfId, blockId, failed.status(), failed.bytesNeeded());
		}
		Fault fault = ((OidOutcome.Ended) outcome).fault();
		String detail = switch (fault) {
			case PF_TIMEOUT -> "the PF did not complete the request within " + this.adapter.properties().oid().timeout()
				.toMillis() + " ms (vsriov.oid.timeout)";
			case VF_GONE -> "VF " + vfId + " was freed (OID_NIC_SWITCH_FREE_VF) while the request waited for the PF";
			case VF_RESET -> "VF " + vfId + " was reset (OID_SRIOV_RESET_VF) while the request waited for the PF";
			default -> "the service is stopping: try again once it is back";
		};
		return new AdapterException(fault, detail, Map.of("vfId", vfId, "blockId", blockId));
	}

}
