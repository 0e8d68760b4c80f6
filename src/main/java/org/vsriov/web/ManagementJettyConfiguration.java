package org.vsriov.web;

import java.util.List;

import org.vsriov.adapter.VsriovProperties;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With {@code management.server.port} set, the actuator runs on a Jetty of its own, in a child
 * context that does not see the main server's customizers: this gives it the same deadlines and
 * problem answers. Registered in {@code META-INF/spring/...ManagementContextConfiguration.imports};
 * component scanning finds it in the main context too, where it must not customize the main server a
 * second time.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@Conditional(ManagementJettyConfiguration.InChildContext.class)
class ManagementJettyConfiguration {

	@Bean
	JettyConfiguration managementJetty(VsriovProperties properties, Arrivals arrivals) {
		return new JettyConfiguration(properties, arrivals, List.of());
	}

	static final class InChildContext implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return context.getBeanFactory() != null && context.getBeanFactory().getParentBeanFactory() != null;
		}

	}

}
