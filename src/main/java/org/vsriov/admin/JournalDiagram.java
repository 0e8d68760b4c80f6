package org.vsriov.admin;

import java.util.List;
import java.util.TreeSet;

import org.vsriov.adapter.JournalEvent;

/**
 * Journal events as a Mermaid {@code sequenceDiagram}: the PF, vsriov, and one lane per VF, one
 * arrow or note per event, in the journal's order. Messages hold no {@code ;} or {@code #}, which
 * Mermaid reads as syntax.
 */
final class JournalDiagram {

	private JournalDiagram() {
	}

	static String render(List<JournalEvent> events) {
		var text = new StringBuilder("sequenceDiagram\n    participant PF\n    participant vsriov\n");
		var vfs = new TreeSet<Integer>();
		events.stream().filter((event) -> event.vfId() != null).forEach((event) -> vfs.add(event.vfId()));
		vfs.forEach((vf) -> text.append("    participant VF").append(vf).append(" as VF ").append(vf).append('\n'));
		for (JournalEvent event : events) {
			text.append("    ").append(line(event)).append('\n');
		}
		return text.toString();
	}

	private static String line(JournalEvent event) {
		String vf = (event.vfId() != null) ? "VF" + event.vfId() : "vsriov";
		String status = (event.status() != null) ? " → " + event.status() : "";
		return switch (event.op()) {
			case ALLOCATE, FREE, RESET -> "PF->>vsriov: " + event.op().slug() + " VF " + event.vfId();
			case INVALIDATE -> "PF->>vsriov: invalidate VF " + event.vfId() + mask(event);
			case DELIVER -> "vsriov-->>" + vf + ": deliver" + mask(event) + status;
			case POLL_TIMEOUT -> "vsriov-->>" + vf + ": poll timed out (204)";
			case READ, WRITE -> (event.role() == JournalEvent.Party.PF)
					? "PF->>vsriov: " + event.op().slug() + " block " + event.blockId() + " of VF " + event.vfId()
							+ bytes(event) + status
					: vf + "->>vsriov: " + event.op().slug() + " block " + event.blockId() + bytes(event) + status;
			case OID_REQUEST -> "vsriov->>PF: OID request " + event.requestId() + ", block " + event.blockId()
					+ " of VF " + event.vfId() + bytes(event);
			case OID_COMPLETE -> "PF->>vsriov: complete OID request " + event.requestId() + status;
			case FAULT -> "Note over " + ("vsriov".equals(vf) ? vf : "vsriov," + vf) + ": fault " + event.faultId()
					+ " fires: " + event.action() + ((event.status() != null) ? " " + event.status() : "")
					+ ((event.blockId() != null) ? " on block " + event.blockId() : "") + mask(event);
		};
	}

	private static String mask(JournalEvent event) {
		return (event.mask() != null) ? " " + event.mask().toHex() + " blocks " + event.mask().blocks() : "";
	}

	private static String bytes(JournalEvent event) {
		return (event.length() == null) ? "" : ", " + event.length() + ((event.length() == 1) ? " byte" : " bytes");
	}

}
