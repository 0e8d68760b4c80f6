package org.vsriov.web;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;

import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Fault;

/** A block's version as a strong ETag ({@code "17"}), and If-Match read back into versions. */
final class EntityTags {

	private static final Pattern TAG = Pattern.compile("(W/)?\"([^\"]*)\"");

	private EntityTags() {
	}

	static String of(long version) {
		return "\"" + version + "\"";
	}

	/**
	 * Which versions an If-Match header accepts: any without the header or with {@code *}, else those
	 * of its strong tags (a weak tag never matches, RFC 9110 13.1.1).
	 * @throws AdapterException {@link Fault#MALFORMED_REQUEST} if the header is not a list of tags
	 */
	static LongPredicate ifMatch(String header) {
		if (header == null || header.strip().equals("*")) {
			return (version) -> true;
		}
		Set<Long> versions = new HashSet<>();
		for (String part : header.split(",")) {
			var tag = TAG.matcher(part.strip());
			if (!tag.matches()) {
				throw new AdapterException(Fault.MALFORMED_REQUEST,
						"If-Match must be * or a list of quoted entity tags such as \"17\"", Map.of("ifMatch", header));
			}
			if (tag.group(1) == null && tag.group(2).matches("[0-9]{1,18}")) {
				versions.add(Long.parseLong(tag.group(2)));
			}
		}
		return versions::contains;
	}

}
