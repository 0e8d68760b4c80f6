package org.vsriov;

import java.time.Clock;

import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.adapter.VsriovProperties;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The real in-memory adapter for {@code @WebMvcTest} slices, bound from the same properties. */
@TestConfiguration(proxyBeanMethods = false)
@EnableConfigurationProperties(VsriovProperties.class)
public class TestAdapterConfiguration {

	@Bean(destroyMethod = "close")
	VirtualAdapter virtualAdapter(VsriovProperties properties) {
		return new VirtualAdapter(properties, Clock.systemUTC());
	}

}
