package org.vsriov.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The test instrument's controls (API.md, "The test instrument"): a clean start. */
@RestController
@RequestMapping("/api/v1/admin")
@Tag(name = "Admin")
@SecurityScheme(name = AdminController.TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
		description = "vsriov.admin.token, when it is set; without it the admin API is open")
@SecurityRequirement(name = AdminController.TOKEN)
class AdminController {

	static final String TOKEN = "adminToken";

	private static final Log logger = LogFactory.getLog(AdminController.class);

	private final VirtualAdapter adapter;

	AdminController(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	@PostMapping("/reset")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "resetAdapter", summary = "Put the adapter back as it started",
			description = "Frees every VF (its parked polls end with 410 vf-gone, and its reads and writes waiting for "
					+ "the PF too), then allocates VFs 0..initialVfs-1 with zeroed blocks and the configured block "
					+ "source, as a fresh server has them. The VFs' cursors from before are stale (410). With "
					+ "`vsriov.admin.token` set, it needs `Authorization: Bearer <token>`.")
	@ApiResponse(responseCode = "204", description = "Reset")
	@ApiResponse(responseCode = "401", description = "vsriov.admin.token is set and the request does not carry it")
	void reset() {
		this.adapter.restart();
		logger.info("Adapter reset to its start by POST /api/v1/admin/reset");
	}

}
