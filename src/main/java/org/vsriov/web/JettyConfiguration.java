package org.vsriov.web;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;

/**
 * Jetty as a server of many parked polls. Jetty keeps a cache of header fields per keep-alive
 * connection, about 30 KB each once a connection has carried a second request: with 10,000 agents
 * polling that was 300 MB, three times everything else a parked poll costs; so it is turned off
 * (README, Performance).
 */
@Configuration(proxyBeanMethods = false)
class JettyConfiguration implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> {

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		factory.addServerCustomizers((server) -> {
			for (Connector connector : server.getConnectors()) {
				for (var connectionFactory : connector.getConnectionFactories()) {
					if (connectionFactory instanceof HttpConnectionFactory http) {
						http.getHttpConfiguration().setHeaderCacheSize(0);
					}
				}
			}
		});
	}

}
