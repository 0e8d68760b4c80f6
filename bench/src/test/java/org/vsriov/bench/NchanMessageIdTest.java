package org.vsriov.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** nchan's long-poll cursor, as its answers carry it, and what its status page says. */
class NchanMessageIdTest {

	@Test
	void lastModifiedAndEtagShouldBeTheMessageIdNchanPrints() {
		// As nchan 1.3.6 answered a publish: "last message id: 1796478598:0".
		var id = NchanMessageId.parse("Sat, 05 Dec 2026 13:49:58 GMT", "0");
		assertThat(id.time()).isEqualTo(1_796_478_598L);
		assertThat(id.tag()).isZero();
		assertThat(id).hasToString("1796478598:0");
	}

	@Test
	void theHeadersShouldGoBackAsTheyCame() {
		var id = NchanMessageId.parse("Sat, 05 Dec 2026 13:49:58 GMT", "\"3\"");
		assertThat(id.tag()).isEqualTo(3);
		assertThat(id.lastModified()).isEqualTo("Sat, 05 Dec 2026 13:49:58 GMT");
		assertThat(id.etag()).isEqualTo("\"3\"");
	}

	@Test
	void idsShouldOrderByTimeThenTag() {
		var first = NchanMessageId.parse("Sat, 05 Dec 2026 13:49:58 GMT", "1");
		var second = NchanMessageId.parse("Sat, 05 Dec 2026 13:49:58 GMT", "2");
		var third = NchanMessageId.parse("Sat, 05 Dec 2026 13:49:59 GMT", "0");
		assertThat(first).isLessThan(second);
		assertThat(second).isLessThan(third);
	}

	@Test
	void anAnswerWithoutAMessageIdShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> NchanMessageId.parse(null, "0"));
		assertThatIllegalArgumentException().isThrownBy(() -> NchanMessageId.parse("yesterday", "0"));
		assertThatIllegalArgumentException().isThrownBy(() -> NchanMessageId.parse("Sat, 05 Dec 2026 13:49:58 GMT", "x"));
	}

	@Test
	void theStatusPageShouldGiveTheSubscribersWaiting() {
		String status = """
				total published messages: 0
				stored messages: 0
				channels: 1000
				subscribers: 998
				nchan version: 1.3.6
				""";
		assertThat(NchanServer.subscribers(status)).isEqualTo(998);
		assertThatIllegalArgumentException().isThrownBy(() -> NchanServer.subscribers("channels: 3\n"));
	}

	@Test
	void theConfigurationShouldBeFilledInWithNothingLeftOver() {
		String conf = NchanServer.configuration(java.nio.file.Path.of("/m.so"), java.nio.file.Path.of("/tmp/n"), 18089);
		assertThat(conf).contains("load_module /m.so;", "listen 127.0.0.1:18089;", "pid /tmp/n/nginx.pid;")
			.doesNotContain("${");
	}

}
