package org.vsriov.web;

import java.util.List;
import java.util.SplittableRandom;

import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.UrlEncoded;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A poll's parameters read from a plain query, as Jetty's parser reads them, or left to it. */
class PollParametersTest {

	/**
	 * What Jetty's parser makes of a query, as the poll reads it: the decoder and the case-sensitive
	 * map {@code Request.extractQueryParameters} uses (Jetty 12.1). The server tests read queries through
	 * the request itself.
	 */
	private static PollParameters jettys(String query) {
		Fields fields = new Fields(true);
		UrlEncoded.decodeUtf8To(query, fields);
		return new PollParameters(joined(fields, "after"), joined(fields, "timeout"));
	}

	private static String joined(Fields fields, String name) {
		List<String> values = fields.getValues(name);
		return (values == null || values.isEmpty()) ? null : String.join(",", values);
	}

	@Test
	void plainQueriesShouldBeReadAsJettyReadsThem() {
		for (String query : List.of("after=AAAAAAAAAAE-_x&timeout=30s", "timeout=1500ms", "after=a&after=b",
				"x=1&after=q&y=2&timeout=0", "AFTER=x&Timeout=1s", "afterx=1&timeou=2", "a.b~c=d-e_f")) {
			assertThat(PollParameters.plain(query)).as(query).isNotNull().isEqualTo(jettys(query));
		}
		assertThat(PollParameters.plain("after=a&after=b")).isEqualTo(new PollParameters("a,b", null));
		assertThat(PollParameters.plain("AFTER=x&Timeout=1s")).isEqualTo(new PollParameters(null, null));
	}

	@Test
	void noQueryOrABlankOneShouldHaveNoParameters() {
		assertThat(PollParameters.plain(null)).isEqualTo(new PollParameters(null, null));
		assertThat(PollParameters.plain("")).isEqualTo(new PollParameters(null, null));
		assertThat(PollParameters.plain(" ")).isEqualTo(new PollParameters(null, null));
	}

	@Test
	void anythingToDecodeOrAnOddShapeShouldBeLeftToJetty() {
		for (String query : List.of("after=a%41", "after=%zz", "after=a+b", "after=", "=x", "after", "a=b&", "&a=b",
				"a=b&&c=d", "after=a=b", "after=\u00e9", "timeout=30s&after", "after=a;b", "after=a,b")) {
			assertThat(PollParameters.plain(query)).as(query).isNull();
		}
	}

	@Test
	void whateverItReadsShouldBeWhatJettyReads() {
		// Random queries of pairs made from the pieces that matter: every one read here must read as
		// Jetty reads it.
		List<String> names = List.of("after", "timeout", "afte", "timeouts", "x", "AFTER", "", "a%66ter", "aft+er");
		List<String> equals = List.of("=", "=", "=", "", "==");
		List<String> values = List.of("x", "Z09", "-._~", "30s", "", "%41", "a+b", "\u00e9", "a=b");
		List<String> ands = List.of("&", "&", "&", "&&", ";");
		var random = new SplittableRandom(13);
		int read = 0;
		int withAfter = 0;
		for (int i = 0; i < 100_000; i++) {
			var query = new StringBuilder();
			for (int n = random.nextInt(1, 5); n > 0; n--) {
				query.append(pick(names, random)).append(pick(equals, random)).append(pick(values, random));
				if (n > 1) {
					query.append(pick(ands, random));
				}
			}
			PollParameters plain = PollParameters.plain(query.toString());
			if (plain != null) {
				read++;
				withAfter += (plain.after() != null) ? 1 : 0;
				assertThat(plain).as(query.toString()).isEqualTo(jettys(query.toString()));
			}
		}
		assertThat(read).isGreaterThan(500);
		assertThat(withAfter).isGreaterThan(100);
	}

	private static String pick(List<String> pieces, SplittableRandom random) {
		return pieces.get(random.nextInt(pieces.size()));
	}

}
