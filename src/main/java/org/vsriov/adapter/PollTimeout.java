package org.vsriov.adapter;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How long a long poll may wait: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, ISO-8601
 * {@code PT30S}, or a bare number of seconds; {@code 0} answers at once.
 *
 * @param duration the wait, 0 up to the configured maximum
 */
public record PollTimeout(Duration duration) {

	private static final Pattern SIMPLE = Pattern.compile("([0-9]{1,12})(ms|s|m|h)?");

	public PollTimeout {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative: " + duration);
		}
	}

	/**
	 * Reads a {@code timeout} parameter; absent means the default.
	 * @throws AdapterException {@link Fault#INVALID_TIMEOUT} if malformed, negative or over max
	 */
	public static PollTimeout parse(String text, VsriovProperties.Poll settings) {
		if (text == null) {
			return new PollTimeout(settings.defaultTimeout());
		}
		Duration duration = read(text.strip());
		if (duration == null || duration.isNegative()) {
			throw new AdapterException(Fault.INVALID_TIMEOUT,
					"timeout must be like 500ms, 30s, 2m, 1h, PT30S or a number of seconds", Map.of("timeout", text));
		}
		if (duration.compareTo(settings.maxTimeout()) > 0) {
			throw new AdapterException(Fault.INVALID_TIMEOUT, "timeout " + text + " is over the maximum of "
					+ settings.maxTimeout().toSeconds() + "s (vsriov.poll.max-timeout)", Map.of("timeout", text));
		}
		return new PollTimeout(duration);
	}

	public boolean isZero() {
		return this.duration.isZero();
	}

	/** A duration as a poll's timeout is written (500ms, 30s, 2m, 1h, PT30S, or seconds), or null if it is not one. */
	public static Duration read(String text) {
		var simple = SIMPLE.matcher(text);
		if (simple.matches()) {
			long amount = Long.parseLong(simple.group(1));
			String unit = (simple.group(2) != null) ? simple.group(2) : "s";
			return switch (unit) {
				case "ms" -> Duration.ofMillis(amount);
				case "m" -> Duration.ofMinutes(amount);
				case "h" -> Duration.ofHours(amount);
				default -> Duration.ofSeconds(amount);
			};
		}
		if (text.startsWith("P") || text.startsWith("p")) {
			try {
				return Duration.parse(text);
			}
			catch (DateTimeParseException ex) {
				return null;
			}
		}
		return null;
	}

}
