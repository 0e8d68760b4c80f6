package org.vsriov.web;

import java.time.Clock;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationPredicate;
import org.vsriov.adapter.AdapterStats;
import org.vsriov.adapter.Role;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.adapter.VsriovProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/** The one virtual adapter of this service, and its metrics. */
@Configuration(proxyBeanMethods = false)
class AdapterConfiguration {

	private static final Pattern LONG_POLL = Pattern.compile("/api/v1/(vfs/[^/]+/invalidations|pf/vfs/[^/]+/block-writes)");

	// Closed by PollRelease before the web server stops, not by the bean's destruction.
	@Bean(destroyMethod = "")
	VirtualAdapter virtualAdapter(VsriovProperties properties) {
		return new VirtualAdapter(properties, Clock.systemUTC());
	}

	/**
	 * Long polls are left out of {@code http.server.requests}: their duration is the wait, which says
	 * nothing about the service, and each parked poll's observation held about 1.1 KB of heap (10,000
	 * parked polls: 11.3 KB each with it, 10.1 KB without). {@code vsriov.polls.parked} and
	 * {@code vsriov.deliveries} count them instead.
	 */
	@Bean
	ObservationPredicate noLongPollObservations() {
		return (name, context) -> !(context instanceof ServerRequestObservationContext request
				&& LONG_POLL.matcher(request.getCarrier().getRequestURI()).matches());
	}

	@Bean
	MeterBinder adapterMetrics(VirtualAdapter adapter) {
		AdapterStats stats = adapter.stats();
		return (registry) -> {
			FunctionCounter.builder("vsriov.invalidations", stats, AdapterStats::invalidations)
				.description("Invalidations accepted, counted once per VF")
				.register(registry);
			FunctionCounter.builder("vsriov.deliveries", stats, AdapterStats::deliveries)
				.description("Invalidation masks delivered to VF polls")
				.register(registry);
			for (Role role : Role.values()) {
				FunctionCounter.builder("vsriov.block.reads", stats, (s) -> s.blockReads(role))
					.description("Config block reads")
					.tag("role", role.name())
					.register(registry);
				FunctionCounter.builder("vsriov.block.writes", stats, (s) -> s.blockWrites(role))
					.description("Config block writes")
					.tag("role", role.name())
					.register(registry);
			}
			Gauge.builder("vsriov.polls.parked", stats, AdapterStats::parkedPolls)
				.description("Long polls waiting right now")
				.register(registry);
			Gauge.builder("vsriov.vfs.allocated", stats, AdapterStats::allocatedVfs)
				.description("VFs allocated right now")
				.register(registry);
			FunctionCounter.builder("vsriov.vf.lifecycle", stats, AdapterStats::allocations)
				.description("VF allocations, frees and resets")
				.tag("event", "allocate")
				.register(registry);
			FunctionCounter.builder("vsriov.vf.lifecycle", stats, AdapterStats::frees)
				.description("VF allocations, frees and resets")
				.tag("event", "free")
				.register(registry);
			FunctionCounter.builder("vsriov.vf.lifecycle", stats, AdapterStats::resets)
				.description("VF allocations, frees and resets")
				.tag("event", "reset")
				.register(registry);
		};
	}

}
