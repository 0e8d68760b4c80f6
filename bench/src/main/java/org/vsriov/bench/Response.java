package org.vsriov.bench;

/**
 * One HTTP answer as the load generator keeps it.
 *
 * @param status the status code
 * @param cursor the {@code Vsriov-Cursor} header, or null
 * @param body the body as text (empty when there is none)
 * @param receivedNanos {@link System#nanoTime()} when the last byte had been read
 * @param retryAfter the {@code Retry-After} header, or null
 */
record Response(int status, String cursor, String body, long receivedNanos, String retryAfter) {

}
