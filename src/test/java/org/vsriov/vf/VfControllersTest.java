package org.vsriov.vf;

import org.junit.jupiter.api.Test;
import org.vsriov.web.TestAdapterConfiguration;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

@WebMvcTest
@Import(TestAdapterConfiguration.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class VfControllersTest {

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private VirtualAdapter adapter;

	@Test
	void vfWriteShouldBeSeenByThePfAndLogged() {
		assertThat(this.mvc.put().uri("/api/v1/vfs/3/config-blocks/4").contentType(MediaType.APPLICATION_OCTET_STREAM)
			.content(new byte[] { 0x11, 0x22 })).hasStatusOk().bodyJson().extractingPath("$.updatedBy").isEqualTo("VF");
		assertThat(this.mvc.put().uri("/api/v1/vfs/3/config-blocks/4").contentType(MediaType.APPLICATION_JSON)
			.content("{\"hex\": \"33\"}")).hasStatusOk();
		assertThat(this.mvc.get().uri("/api/v1/pf/vfs/3/config-blocks/4?length=2")).bodyJson()
			.extractingPath("$.hex").isEqualTo("3300");
		var vf = assertThat(this.mvc.get().uri("/api/v1/pf/vfs/3")).bodyJson();
		vf.extractingPath("$.writeLogSize").isEqualTo(2);
		vf.extractingPath("$.writtenBlocks[0].updatedBy").isEqualTo("VF");
	}

	@Test
	void vfReadShouldReturnTheFirstLengthBytesRawOrAsJson() {
		this.adapter.write(1, 2, new byte[] { 5, 6, 7 }, org.vsriov.adapter.Role.PF, (v) -> true);
		assertThat(this.mvc.get().uri("/api/v1/vfs/1/config-blocks/2?length=2").accept(MediaType.APPLICATION_OCTET_STREAM))
			.hasStatusOk().body().isEqualTo(new byte[] { 5, 6 });
		var json = assertThat(this.mvc.get().uri("/api/v1/vfs/1/config-blocks/2")).hasStatusOk();
		json.hasHeader(HttpHeaders.ETAG, "\"1\"");
		json.bodyJson().extractingPath("$.length").isEqualTo(128);
		json.bodyJson().extractingPath("$.updatedBy").isEqualTo("PF");
		assertThat(this.mvc.get().uri("/api/v1/vfs/1/config-blocks/3")).bodyJson().extractingPath("$.version").isEqualTo(0);
	}

}
