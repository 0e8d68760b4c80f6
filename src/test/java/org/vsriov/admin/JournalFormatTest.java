package org.vsriov.admin;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/** Which of its three formats the journal answers in, for what clients say they accept. */
class JournalFormatTest {

	@Test
	void theClientsFirstChoiceShouldWinByQualityThenBySpecificity() {
		assertThat(JournalController.format(null)).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(JournalController.format("*/*")).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(JournalController.format("application/x-ndjson")).isEqualTo(JournalController.NDJSON);
		assertThat(JournalController.format("text/vnd.mermaid")).isEqualTo(JournalController.MERMAID);
		assertThat(JournalController.format("*/*, application/x-ndjson")).isEqualTo(JournalController.NDJSON);
		assertThat(JournalController.format("application/json;q=0.5, text/vnd.mermaid")).isEqualTo(JournalController.MERMAID);
		assertThat(JournalController.format("text/vnd.mermaid;q=0.2, application/json")).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(JournalController.format("text/*")).isEqualTo(JournalController.MERMAID);
		assertThat(JournalController.format("text/html")).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(JournalController.format("application/x-ndjson;q=0")).isEqualTo(MediaType.APPLICATION_JSON);
	}

}
