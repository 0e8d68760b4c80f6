package org.vsriov.web;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;

import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Fault;

/** A block's version as a strong ETag ({@code "17"}), and If-Match / If-None-Match read back into versions. */
final class EntityTags {

	private static final Pattern TAG = Pattern.compile("(W/)?\"([^\"]*)\"");

	private EntityTags() {
	}

	static String of(long version) {
		return "\"" + version + "\"";
	}

	/**
	 * Which versions a write's preconditions accept (RFC 9110 13.1). If-Match: any without it or with
	 * {@code *}, else those of its strong tags (a weak tag never matches). If-None-Match: {@code *}
	 * only a block never written (version 0), else any version none of its tags names (weak tags
	 * compare weakly).
	 * @throws AdapterException {@link Fault#MALFORMED_REQUEST} if a header is not a list of tags
	 */
	static LongPredicate preconditions(String ifMatch, String ifNoneMatch) {
		LongPredicate accepted = (version) -> true;
		if (ifMatch != null && !ifMatch.strip().equals("*")) {
			Set<Long> versions = versions("If-Match", ifMatch, false);
			accepted = versions::contains;
		}
		if (ifNoneMatch != null && ifNoneMatch.strip().equals("*")) {
			accepted = accepted.and((version) -> version == 0);
		}
		else if (ifNoneMatch != null) {
			Set<Long> versions = versions("If-None-Match", ifNoneMatch, true);
			accepted = accepted.and((version) -> !versions.contains(version));
		}
		return accepted;
	}

	private static Set<Long> versions(String name, String header, boolean weakToo) {
		Set<Long> versions = new HashSet<>();
		for (String part : header.split(",")) {
			var tag = TAG.matcher(part.strip());
			if (!tag.matches()) {
				throw new AdapterException(Fault.MALFORMED_REQUEST,
						name + " must be * or a list of quoted entity tags such as \"17\"", Map.of("header", name,
								"value", header));
			}
			if ((weakToo || tag.group(1) == null) && tag.group(2).matches("[0-9]{1,18}")) {
				versions.add(Long.parseLong(tag.group(2)));
			}
		}
		return versions;
	}

}
