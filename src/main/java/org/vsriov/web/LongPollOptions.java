package org.vsriov.web;

import io.swagger.v3.oas.annotations.Hidden;

import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * OPTIONS on the long polls. Spring MVC's own answer lists HEAD beside GET, but a long poll refuses
 * HEAD (a poll that takes news while no body carries it would lose it; {@link LongPollHandler#refuse}).
 */
@RestController
@Hidden
class LongPollOptions {

	@RequestMapping(path = { "/api/v1/vfs/{vfId}/invalidations", "/api/v1/pf/vfs/{vfId}/block-writes" },
			method = RequestMethod.OPTIONS)
	ResponseEntity<Void> options() {
		return ResponseEntity.ok().allow(HttpMethod.GET, HttpMethod.OPTIONS).build();
	}

}
