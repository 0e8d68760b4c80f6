package org.vsriov.adapter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refused request: which {@link Fault}, a sentence for a person, and the offending values for a
 * program. Thrown before anything is changed.
 */
public class AdapterException extends RuntimeException {

	private final Fault fault;

	private final Map<String, Object> values;

	public AdapterException(Fault fault, String detail) {
		this(fault, detail, Map.of());
	}

	public AdapterException(Fault fault, String detail, Map<String, ?> values) {
		super(detail, null, false, false);
		this.fault = fault;
		this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
	}

	public Fault fault() {
		return this.fault;
	}

	/** The offending values, by name (for example {@code vfId}), in a stable order. */
	public Map<String, Object> values() {
		return this.values;
	}

}
