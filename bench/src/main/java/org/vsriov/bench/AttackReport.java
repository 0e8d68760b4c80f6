package org.vsriov.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one attacker process saw, as the JSON line it prints last on its stdout and the benchmark
 * reads back: named counts (summed over the processes of an attack, but the highest is kept of one
 * named {@code "... max ms"}) and, per connection the server closed by itself, the milliseconds from
 * that connection's opening to the close.
 *
 * @param counts named counts, such as {@code "status 204"} or {@code "closed by server"}
 * @param closeMillis for each connection the server closed, milliseconds from its opening
 * @param connectMillis for each connection opened, milliseconds its connect took
 */
record AttackReport(Map<String, Long> counts, List<Long> closeMillis, List<Long> connectMillis) {

	static final String READY = "{\"event\":\"ready\"}";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	AttackReport {
		counts = Collections.unmodifiableMap(new TreeMap<>(counts));
		closeMillis = List.copyOf(closeMillis);
		connectMillis = List.copyOf(connectMillis);
	}

	/** The line an attacker prints. */
	String toJson() {
		var line = new TreeMap<String, Object>();
		line.put("event", "report");
		line.put("counts", this.counts);
		line.put("closeMillis", this.closeMillis);
		line.put("connectMillis", this.connectMillis);
		return JSON.writeValueAsString(line);
	}

	/**
	 * Reads a line of an attacker's stdout.
	 * @return the report, or empty if the line is something else (its ready line, or anything the JVM printed)
	 */
	static Optional<AttackReport> parse(String line) {
		if (!line.startsWith("{")) {
			return Optional.empty();
		}
		JsonNode json;
		try {
			json = JSON.readTree(line);
		}
		catch (JacksonException notJson) {
			return Optional.empty();
		}
		if (!"report".equals(json.path("event").asString(""))) {
			return Optional.empty();
		}
		var counts = new TreeMap<String, Long>();
		json.path("counts").properties().forEach((entry) -> counts.put(entry.getKey(), entry.getValue().asLong()));
		return Optional.of(new AttackReport(counts, longs(json.path("closeMillis")), longs(json.path("connectMillis"))));
	}

	private static List<Long> longs(JsonNode array) {
		var values = new ArrayList<Long>();
		array.forEach((value) -> values.add(value.asLong()));
		return values;
	}

	/** The reports of every process of one attack as one. */
	static AttackReport merge(List<AttackReport> reports) {
		var counts = new TreeMap<String, Long>();
		var closes = new ArrayList<Long>();
		var connects = new ArrayList<Long>();
		for (AttackReport report : reports) {
			report.counts.forEach((name, count) -> counts.merge(name, count, name.endsWith(" max ms") ? Math::max : Long::sum));
			closes.addAll(report.closeMillis);
			connects.addAll(report.connectMillis);
		}
		return new AttackReport(counts, closes, connects);
	}

	long count(String name) {
		return this.counts.getOrDefault(name, 0L);
	}

	/** The sum of every count whose name starts with {@code prefix}. */
	long sum(String prefix) {
		return this.counts.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith(prefix))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	/** The value at {@code percentile} (0..100) of the values, nearest rank; 0 if there are none. */
	static long percentile(List<Long> values, double percentile) {
		if (values.isEmpty()) {
			return 0;
		}
		var sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int rank = (int) Math.ceil(percentile / 100 * sorted.size());
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
	}

}
