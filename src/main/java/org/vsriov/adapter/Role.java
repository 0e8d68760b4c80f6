package org.vsriov.adapter;

/** Who last wrote a config block: the PF driver (management OS) or the VF driver (guest). */
public enum Role {

	PF, VF

}
