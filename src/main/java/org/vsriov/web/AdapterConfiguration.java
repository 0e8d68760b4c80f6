package org.vsriov.web;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationPredicate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.vsriov.adapter.AdapterStats;
import org.vsriov.adapter.Role;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.adapter.VsriovProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/** The one virtual adapter of this service, and its metrics. */
@Configuration(proxyBeanMethods = false)
class AdapterConfiguration {

	private static final Log logger = LogFactory.getLog(AdapterConfiguration.class);

	private static final long PARKED_POLL_HEAP = 10 * 1024;

	// Closed by PollRelease before the web server stops, not by the bean's destruction.
	@Bean(destroyMethod = "")
	VirtualAdapter virtualAdapter(VsriovProperties properties, Environment environment) {
		int maxConnections = environment.getProperty("server.jetty.max-connections", Integer.class, -1);
		long files = fileLimit();
		long room = room(files, maxConnections);
		long heap = Runtime.getRuntime().maxMemory();
		int maxParked = properties.poll().maxParked();
		String source = "file limit " + files + ", server.jetty.max-connections " + maxConnections;
		if (maxParked == 0) {
			maxParked = maxParked(room, heap);
			source += ", a heap of " + (heap >> 20) + " MB";
			logger.info("Long polls: at most " + maxParked + " parked at once (derived from the " + source
					+ "; set vsriov.poll.max-parked to change it)");
		}
		else if (maxParked >= room) {
			throw new IllegalStateException("vsriov.poll.max-parked is " + maxParked + ", but only " + room
					+ " connections can be open (" + source + "): parked polls would take every connection, and the"
					+ " PF side and health could not connect. Lower it, or raise the file limit and max-connections");
		}
		return new VirtualAdapter(properties.withMaxParked(maxParked), Clock.systemUTC());
	}

	/** The connections this process can hold: its file limit, or the server's limit if lower. */
	static long room(long fileLimit, int maxConnections) {
		return (maxConnections > 0) ? Math.min(fileLimit, maxConnections) : fileLimit;
	}

	/**
	 * The default bound on parked polls: the room for connections less an eighth (at least 64), kept
	 * for the PF side, health, clients being refused, and the files the process itself holds; and no
	 * more than a third of the heap holds, at 10 KB a parked poll (9.6 KB measured,
	 * docs/performance.md). With more, a flood of polls filled the old generation: full collections
	 * of 0.3 to 0.5 s, one after the other, stalled every answer (docs/decisions/0007-overload.md).
	 */
	static int maxParked(long room, long heap) {
		long byConnections = room - Math.max(room / 8, 64);
		long byHeap = heap / 3 / PARKED_POLL_HEAP;
		return (int) Math.min(Integer.MAX_VALUE, Math.max(1, Math.min(byConnections, byHeap)));
	}

	/** The process's limit on open files, or 16384 where the JVM cannot tell. */
	private static long fileLimit() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
			return unix.getMaxFileDescriptorCount();
		}
		return 16384;
	}

	/**
	 * Long polls (the PF's over OID requests too) are left out of {@code http.server.requests}: their
	 * duration is the wait, which says nothing about the service, and each parked poll's observation
	 * held about 1.1 KB of heap (10,000 parked polls: 11.3 KB each with it, 10.1 KB without).
	 * {@code vsriov.polls.parked} and {@code vsriov.deliveries} count them instead.
	 */
	@Bean
	ObservationPredicate noLongPollObservations() {
		return (name, context) -> {
			if (!(context instanceof ServerRequestObservationContext request)) {
				return true;
			}
			String path = request.getCarrier().getRequestURI().substring(request.getCarrier().getContextPath().length());
			return !LongPollHandler.PATHS.matcher(path).matches() && !BusyRequests.OID_REQUESTS.equals(path)
					&& !BusyRequests.JOURNAL.equals(path);
		};
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
			FunctionCounter.builder("vsriov.polls.refused", stats, AdapterStats::refusedPolls)
				.description("Long polls refused with 429: the bound on parked polls was reached")
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
			Gauge.builder("vsriov.oid.requests.pending", stats, AdapterStats::pendingOidRequests)
				.description("VF reads and writes waiting for the PF right now (block source pf)")
				.register(registry);
			FunctionCounter.builder("vsriov.oid.requests", stats, AdapterStats::oidRequests)
				.description("VF reads and writes made OID requests to the PF (block source pf)")
				.register(registry);
			FunctionCounter.builder("vsriov.oid.requests.failed", stats, AdapterStats::oidFailures)
				.description("OID requests the PF completed with a status other than NDIS_STATUS_SUCCESS")
				.register(registry);
			FunctionCounter.builder("vsriov.oid.requests.timed.out", stats, AdapterStats::oidTimeouts)
				.description("OID requests the PF did not complete within vsriov.oid.timeout")
				.register(registry);
			Timer completion = Timer.builder("vsriov.oid.completion")
				.description("From a VF's read or write to the PF's completion of its OID request")
				.publishPercentileHistogram()
				.register(registry);
			stats.onOidCompletion((nanos) -> completion.record(nanos, TimeUnit.NANOSECONDS));
		};
	}

}
