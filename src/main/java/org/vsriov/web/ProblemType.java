package org.vsriov.web;

import java.net.URI;
import java.util.Locale;

import org.vsriov.adapter.Fault;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Every kind of error the API answers with: its status, fixed title and stable {@code type} URI,
 * which ends in the kind's slug (for example {@code .../vf-gone}). One entry per adapter
 * {@link Fault} (same name), plus the HTTP-level kinds.
 */
enum ProblemType {

	MALFORMED_REQUEST(HttpStatus.BAD_REQUEST, "Malformed request"),
	INVALID_VF_ID(HttpStatus.BAD_REQUEST, "Invalid VF id"),
	VF_NOT_FOUND(HttpStatus.NOT_FOUND, "VF not allocated"),
	INVALID_BLOCK_ID(HttpStatus.BAD_REQUEST, "Invalid block id"),
	BLOCK_NOT_FOUND(HttpStatus.NOT_FOUND, "Unknown config block"),
	INVALID_BLOCK_MASK(HttpStatus.BAD_REQUEST, "Invalid block mask"),
	INVALID_BLOCK_DATA(HttpStatus.BAD_REQUEST, "Invalid block data"),
	BLOCK_DATA_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "Block data too large"),
	INVALID_LENGTH(HttpStatus.BAD_REQUEST, "Invalid read length"),
	INVALID_TIMEOUT(HttpStatus.BAD_REQUEST, "Invalid timeout"),
	INVALID_CURSOR(HttpStatus.BAD_REQUEST, "Invalid cursor"),
	STALE_CURSOR(HttpStatus.GONE, "Stale cursor"),
	VERSION_MISMATCH(HttpStatus.PRECONDITION_FAILED, "Block version mismatch"),
	VF_ALLOCATED(HttpStatus.CONFLICT, "VF already allocated"),
	NO_FREE_VF(HttpStatus.CONFLICT, "No free VF"),
	VF_GONE(HttpStatus.GONE, "VF freed"),
	VF_RESET(HttpStatus.GONE, "VF reset"),
	NOT_FOUND(HttpStatus.NOT_FOUND, "No such resource"),
	UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "Unauthorized"),
	METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
	NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
	UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
	BODY_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "Request body too large"),
	URI_TOO_LONG(HttpStatus.URI_TOO_LONG, "URI too long"),
	HEADERS_TOO_LARGE(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large"),
	HTTP_VERSION_NOT_SUPPORTED(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported"),
	SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
	TOO_MANY_POLLS(HttpStatus.TOO_MANY_REQUESTS, "Too many parked polls"),
	SERVICE_STOPPING(HttpStatus.SERVICE_UNAVAILABLE, "Service stopping"),
	PF_FAILED(HttpStatus.BAD_GATEWAY, "PF failed the request"),
	PF_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "PF did not answer in time"),
	OID_REQUEST_ENDED(HttpStatus.CONFLICT, "OID request already ended"),
	OID_REQUEST_NOT_FOUND(HttpStatus.NOT_FOUND, "No such OID request"),
	FAULT_RULE_NOT_FOUND(HttpStatus.NOT_FOUND, "No such fault rule"),
	INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

	/** Where every type URI starts; the types identify kinds, nothing is served there. */
	static final String BASE = "https://vsriov.org/problems/";

	private final HttpStatus status;

	private final String title;

	private final URI type;

	ProblemType(HttpStatus status, String title) {
		this.status = status;
		this.title = title;
		this.type = URI.create(BASE + name().toLowerCase(Locale.ROOT).replace('_', '-'));
	}

	static ProblemType of(Fault fault) {
		return valueOf(fault.name());
	}

	/** The HTTP-level kind for a status that no more specific kind explains. */
	static ProblemType forStatus(int status) {
		return switch (status) {
			case 400 -> MALFORMED_REQUEST;
			case 404 -> NOT_FOUND;
			case 405 -> METHOD_NOT_ALLOWED;
			case 406 -> NOT_ACCEPTABLE;
			case 413 -> BODY_TOO_LARGE;
			case 414 -> URI_TOO_LONG;
			case 415 -> UNSUPPORTED_MEDIA_TYPE;
			case 431 -> HEADERS_TOO_LARGE;
			case 503 -> SERVICE_UNAVAILABLE;
			case 505 -> HTTP_VERSION_NOT_SUPPORTED;
			default -> INTERNAL_ERROR;
		};
	}

	/** The first kind, in the order above, that answers with the status (for documentation examples). */
	static ProblemType firstOf(int status) {
		for (ProblemType kind : values()) {
			if (kind.status.value() == status) {
				return kind;
			}
		}
		return forStatus(status);
	}

	String title() {
		return this.title;
	}

	HttpStatus status() {
		return this.status;
	}

	URI type() {
		return this.type;
	}

	ProblemDetail problem(String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(this.status, detail);
		return dress(problem);
	}

	/** Gives a problem this kind's type and title. */
	ProblemDetail dress(ProblemDetail problem) {
		problem.setType(this.type);
		problem.setTitle(this.title);
		return problem;
	}

}
