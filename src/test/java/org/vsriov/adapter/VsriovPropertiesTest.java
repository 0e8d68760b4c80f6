package org.vsriov.adapter;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class VsriovPropertiesTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Binding.class);

	@Test
	void defaultsShouldMatchTheContract() {
		this.runner.run((context) -> assertThat(context.getBean(VsriovProperties.class)).isEqualTo(VsriovProperties.defaults()));
	}

	@Test
	void durationsShouldBindFromTheSimpleForm() {
		this.runner.withPropertyValues("vsriov.poll.default-timeout=500ms", "vsriov.poll.max-timeout=2m")
			.run((context) -> assertThat(context.getBean(VsriovProperties.class).poll().defaultTimeout().toMillis())
				.isEqualTo(500));
	}

	@Test
	void bareNumbersShouldMeanSecondsAsInAPollTimeout() {
		this.runner.withPropertyValues("vsriov.poll.default-timeout=45")
			.run((context) -> assertThat(context.getBean(VsriovProperties.class).poll().defaultTimeout().toSeconds())
				.isEqualTo(45));
	}

	@Test
	void httpSettingsShouldBindDurationsAndDataRates() {
		this.runner.withPropertyValues("vsriov.http.request-head-timeout=500ms", "vsriov.http.io-timeout=3",
				"vsriov.http.min-response-data-rate=64KB").run((context) -> {
					VsriovProperties.Http http = context.getBean(VsriovProperties.class).http();
					assertThat(http.requestHeadTimeout().toMillis()).isEqualTo(500);
					assertThat(http.ioTimeout().toSeconds()).isEqualTo(3);
					assertThat(http.minResponseDataRate().toBytes()).isEqualTo(65536);
				});
	}

	@Test
	void badSettingsShouldStopTheStartNamingTheProperty() {
		String[][] cases = { { "vsriov.block-size=500", "blockSize" }, { "vsriov.total-vfs=0", "totalVfs" },
				{ "vsriov.total-vfs=65536", "totalVfs" }, { "vsriov.block-count=4097", "blockCount" },
				{ "vsriov.initial-vfs=65", "vsriov.initial-vfs must not exceed vsriov.total-vfs" },
				{ "vsriov.poll.default-timeout=10m", "vsriov.poll.default-timeout" },
				{ "vsriov.poll.max-timeout=0s", "vsriov.poll.max-timeout" },
				{ "vsriov.poll.max-waiters-per-vf=0", "maxWaitersPerVf" },
				{ "vsriov.write-log-retention=0", "writeLogRetention" },
				{ "vsriov.poll.max-parked=-1", "maxParked" },
				{ "vsriov.http.io-timeout=0", "vsriov.http.request-head-timeout and vsriov.http.io-timeout" },
				{ "vsriov.http.accept-queue-size=0", "acceptQueueSize" },
				{ "vsriov.http.min-response-data-rate=-1B", "min-response-data-rate" } };
		for (String[] bad : cases) {
			this.runner.withPropertyValues(bad[0]).run((context) -> {
				assertThat(context).as(bad[0]).hasFailed();
				assertThat(context.getStartupFailure()).as(bad[0]).hasStackTraceContaining(bad[1]);
			});
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(VsriovProperties.class)
	static class Binding {

	}

}
