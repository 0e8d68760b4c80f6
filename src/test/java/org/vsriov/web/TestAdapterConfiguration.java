package org.vsriov.web;

import java.time.Clock;

import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.adapter.VsriovProperties;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * What a {@code @WebMvcTest} slice leaves out but the controllers rely on: the real in-memory adapter,
 * bound from the same properties, and the strict JSON reading.
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableConfigurationProperties(VsriovProperties.class)
@Import(StrictJson.class)
public class TestAdapterConfiguration {

	@Bean(destroyMethod = "close")
	VirtualAdapter virtualAdapter(VsriovProperties properties) {
		return new VirtualAdapter(properties, Clock.systemUTC());
	}

}
