package org.vsriov.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's TCP counters, from {@code /proc/net/netstat} (what {@code nstat} reads), under nstat's
 * names such as {@code TcpExtListenOverflows}: connections the kernel dropped because a listener's
 * accept queue was full. They count for the whole machine, not for one server.
 */
final class KernelCounters {

	private KernelCounters() {
	}

	/** The counters now, or an empty map where there is no /proc/net/netstat. */
	static Map<String, Long> read() {
		try {
			return parse(Files.readAllLines(Path.of("/proc/net/netstat")));
		}
		catch (IOException | RuntimeException ex) {
			return Map.of();
		}
	}

	/** Pairs of lines: {@code Prefix: Name Name ...} then {@code Prefix: value value ...}. */
	static Map<String, Long> parse(List<String> lines) {
		var counters = new HashMap<String, Long>();
		for (int i = 0; i + 1 < lines.size(); i += 2) {
			String[] names = lines.get(i).trim().split("\\s+");
			String[] values = lines.get(i + 1).trim().split("\\s+");
			String prefix = names[0].replace(":", "");
			for (int j = 1; j < Math.min(names.length, values.length); j++) {
				counters.put(prefix + names[j], Long.parseLong(values[j]));
			}
		}
		return counters;
	}

	/** How much a counter grew from {@code before} to {@code after}; -1 if the kernel does not have it. */
	static long growth(Map<String, Long> before, Map<String, Long> after, String name) {
		if (!before.containsKey(name) || !after.containsKey(name)) {
			return -1;
		}
		return after.get(name) - before.get(name);
	}

}
