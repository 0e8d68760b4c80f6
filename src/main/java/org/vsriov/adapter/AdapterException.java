package org.vsriov.adapter;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A refused request: which {@link Fault}, a sentence for a person, and the offending values for a
 * program. Thrown before anything is changed.
 */
public class AdapterException extends RuntimeException {

	private static final int MAX_ECHO = 200;

	private final Fault fault;

	private final Map<String, Object> values;

	public AdapterException(Fault fault, String detail) {
		this(fault, detail, Map.of());
	}

	public AdapterException(Fault fault, String detail, Map<String, ?> values) {
		super(detail, null, false, false);
		this.fault = fault;
		// Sorted, so that a problem's members come in the same order every time.
		var echoed = new TreeMap<String, Object>();
		values.forEach((name, value) -> echoed.put(name, abbreviate(value)));
		this.values = Collections.unmodifiableMap(echoed);
	}

	public Fault fault() {
		return this.fault;
	}

	/** The offending values, by name (for example {@code vfId}); long text is cut short. */
	public Map<String, Object> values() {
		return this.values;
	}

	// Offending values are echoed back to the client: a 16 KiB body should not come back whole.
	private static Object abbreviate(Object value) {
		return (value instanceof String text && text.length() > MAX_ECHO) ? text.substring(0, MAX_ECHO) + "..." : value;
	}

}
