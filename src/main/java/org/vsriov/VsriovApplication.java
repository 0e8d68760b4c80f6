package org.vsriov;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** vsriov: a virtual SR-IOV adapter whose PF/VF configuration-block backchannel is served over HTTP. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VsriovApplication {

	public static void main(String[] args) {
		SpringApplication.run(VsriovApplication.class, args);
	}

}
