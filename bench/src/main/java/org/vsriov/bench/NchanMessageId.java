package org.vsriov.bench;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * An nchan message id, the cursor of its long-poll subscriber: the message's time in whole seconds
 * ({@code Last-Modified}) and its tag among the messages of that second ({@code Etag}), which nchan
 * prints as {@code time:tag}. The subscriber resumes after it by sending the two headers back as
 * {@code If-Modified-Since} and {@code If-None-Match}, unchanged.
 *
 * @param lastModified the answer's {@code Last-Modified}, as sent
 * @param etag the answer's {@code Etag}, as sent
 * @param time the message's time, in seconds since the epoch
 * @param tag the message's tag
 */
record NchanMessageId(String lastModified, String etag, long time, int tag) implements Comparable<NchanMessageId> {

	/** The id of a long-poll answer with a message; an {@link IllegalArgumentException} if it has none. */
	static NchanMessageId parse(String lastModified, String etag) {
		if (lastModified == null || etag == null) {
			throw new IllegalArgumentException("an nchan message needs Last-Modified and Etag, got " + lastModified
					+ " and " + etag);
		}
		try {
			long time = ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
			// nchan sends the tag bare; a quoted one (a proxy in between) means the same.
			int tag = Integer.parseInt(etag.replace("\"", "").replaceFirst("^W/", "").trim());
			return new NchanMessageId(lastModified, etag, time, tag);
		}
		catch (DateTimeParseException | NumberFormatException ex) {
			throw new IllegalArgumentException("not an nchan message id: " + lastModified + ", " + etag, ex);
		}
	}

	@Override
	public int compareTo(NchanMessageId other) {
		return this.time != other.time ? Long.compare(this.time, other.time) : Integer.compare(this.tag, other.tag);
	}

	@Override
	public String toString() {
		return this.time + ":" + this.tag;
	}

}
