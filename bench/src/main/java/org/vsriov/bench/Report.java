package org.vsriov.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The figures of a run, each with its scenario's conditions and, in a full run, its target:
 * printed as a table and written as JSON.
 */
final class Report {

	private final Map<String, Object> run = new LinkedHashMap<>();

	private final List<Scenario> scenarios = new ArrayList<>();

	private final List<String> errors = new ArrayList<>();

	private final boolean checkTargets;

	Report(Map<String, Object> run, boolean checkTargets) {
		this.run.putAll(run);
		this.checkTargets = checkTargets;
	}

	Scenario scenario(String name, String conditions) {
		var scenario = new Scenario(name, conditions, new ArrayList<>());
		this.scenarios.add(scenario);
		return scenario;
	}

	void error(String message) {
		this.errors.add(message);
	}

	boolean correct() {
		return this.errors.isEmpty();
	}

	boolean targetsMet() {
		return this.scenarios.stream()
			.flatMap((scenario) -> scenario.figures().stream())
			.allMatch((figure) -> figure.met() == null || figure.met());
	}

	/** Whether any figure has a target: none has when the run failed before it measured one. */
	private boolean targetsMeasured() {
		return this.scenarios.stream()
			.flatMap((scenario) -> scenario.figures().stream())
			.anyMatch((figure) -> figure.met() != null);
	}

	void print() {
		System.out.print(table());
	}

	/** The table {@link #print} prints. */
	String table() {
		var out = new StringBuilder("\nvsriov benchmark\n");
		this.run.forEach((key, value) -> out.append(String.format("  %-14s %s%n", key, value)));
		for (Scenario scenario : this.scenarios) {
			out.append(String.format("%n%s%n  (%s)%n", scenario.name(), scenario.conditions()));
			for (Figure figure : scenario.figures()) {
				String target = (figure.target() == null || !this.checkTargets) ? ""
						: figure.target() + (figure.met() ? "  met" : "  MISSED");
				out.append(String.format("  %-46s %12s %-6s %s%n", figure.name(), format(figure.value()),
						figure.unit(), target));
			}
		}
		out.append(String.format("%ncorrectness: %s%n", this.errors.isEmpty() ? "no loss, no error" : "FAILED"));
		this.errors.forEach((error) -> out.append("  ").append(error).append('\n'));
		if (this.checkTargets) {
			String targets = !targetsMeasured() ? "none measured" : targetsMet() ? "all met" : "some MISSED";
			out.append("targets: ").append(targets).append('\n');
		}
		return out.toString();
	}

	private static String format(double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e15) {
			return String.format("%,d", (long) value);
		}
		return String.format(Math.abs(value) >= 100 ? "%,.0f" : "%.2f", value);
	}

	void write(Path file) {
		var json = new LinkedHashMap<String, Object>();
		json.put("run", this.run);
		json.put("scenarios", this.scenarios);
		json.put("errors", this.errors);
		json.put("correct", correct());
		if (this.checkTargets) {
			json.put("targetsMet", targetsMet());
		}
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(file.toFile(), json);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * One scenario's figures.
	 *
	 * @param name the scenario
	 * @param conditions what it ran with
	 * @param figures what it measured
	 */
	record Scenario(String name, String conditions, List<Figure> figures) {

		void add(String name, double value, String unit) {
			this.figures.add(new Figure(name, value, unit, null, null));
		}

		/** A figure that must stay at or below {@code max}. */
		void atMost(String name, double value, String unit, double max) {
			this.figures.add(new Figure(name, value, unit, "<= " + format(max), value <= max));
		}

		/** A figure that must reach {@code min}. */
		void atLeast(String name, double value, String unit, double min) {
			this.figures.add(new Figure(name, value, unit, ">= " + format(min), value >= min));
		}

	}

	/**
	 * One measured figure.
	 *
	 * @param name what it is
	 * @param value the figure
	 * @param unit its unit
	 * @param target the target, or null
	 * @param met whether the target was met, or null
	 */
	record Figure(String name, double value, String unit, String target, Boolean met) {

	}

}
