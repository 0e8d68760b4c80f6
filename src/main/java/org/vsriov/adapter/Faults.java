package org.vsriov.adapter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.jspecify.annotations.Nullable;

/**
 * The fault rules in force, and their firing. A step asks {@link #fire} once; the oldest rule that
 * matches it, has firings left, and wins its draw, fires. Firing takes this object's lock, but only
 * once a rule with firings left matches the step: with no rules, or none for the step, it is a look
 * at an array. Each rule draws from its own generator, seeded with {@code vsriov.faults.seed} and
 * its id, at every step it matches while it has firings left, so a run of the same steps fires the
 * same way again, whatever other rules do.
 */
public final class Faults {

	/** The longest delay a rule may ask for. */
	public static final Duration MAX_DELAY = Duration.ofMinutes(1);

	private static final Map<FaultRule.Action, Set<FaultRule.On>> ALLOWED = Map.of(
			FaultRule.Action.FAIL, EnumSet.of(FaultRule.On.VF_READ, FaultRule.On.VF_WRITE),
			FaultRule.Action.SHORT_READ, EnumSet.of(FaultRule.On.VF_READ),
			FaultRule.Action.DROP, EnumSet.of(FaultRule.On.DELIVERY, FaultRule.On.INVALIDATION),
			FaultRule.Action.DELAY, EnumSet.allOf(FaultRule.On.class),
			FaultRule.Action.RESET_VF, EnumSet.allOf(FaultRule.On.class),
			FaultRule.Action.FREE_VF, EnumSet.allOf(FaultRule.On.class));

	private final VsriovProperties properties;

	private final Journal journal;

	// Replaced, never changed, under this object's lock: read without it.
	private volatile Entry[] rules = new Entry[0];

	// Guarded by this.
	private long nextId = 1;

	Faults(VsriovProperties properties, Journal journal) {
		this.properties = properties;
		this.journal = journal;
	}

	/**
	 * A rule and how it has fired.
	 *
	 * @param rule the rule
	 * @param fired how often it has fired
	 * @param remaining how often it will still fire, or null for as long as it is there
	 */
	public record Listed(FaultRule rule, long fired, @Nullable Integer remaining) {
	}

	/**
	 * Puts a rule in force.
	 * @param draft the rule; its id is ignored
	 * @return the rule with its id (and a fail's status, NDIS_STATUS_FAILURE if it gave none)
	 * @throws AdapterException {@link Fault#MALFORMED_REQUEST} if its members do not fit together
	 */
	public synchronized FaultRule add(FaultRule draft) {
		check(draft);
		FaultRule rule = draft.withId(this.nextId++);
		if (rule.action() == FaultRule.Action.FAIL && rule.status() == null) {
			rule = new FaultRule(rule.id(), rule.on(), rule.vfId(), rule.blockId(), rule.action(),
					NdisStatus.NDIS_STATUS_FAILURE, null, null, rule.times(), rule.probability());
		}
		Entry[] next = Arrays.copyOf(this.rules, this.rules.length + 1);
		next[next.length - 1] = new Entry(rule, new SplittableRandom(this.properties.faults().seed() * 31 + rule.id()));
		this.rules = next;
		return rule;
	}

	/** Every rule in force, oldest first. */
	public synchronized List<Listed> list() {
		return Arrays.stream(this.rules).map(Entry::listed).toList();
	}

	/** One rule, or null if there is none with that id. */
	public synchronized @Nullable Listed get(long id) {
		return Arrays.stream(this.rules).filter((entry) -> entry.rule.id() == id).map(Entry::listed).findFirst()
			.orElse(null);
	}

	/** Removes a rule. @return whether there was one with that id */
	public synchronized boolean remove(long id) {
		Entry[] next = Arrays.stream(this.rules).filter((entry) -> entry.rule.id() != id).toArray(Entry[]::new);
		boolean removed = next.length < this.rules.length;
		this.rules = next;
		return removed;
	}

	/** Removes every rule; with {@code renumber}, ids start at 1 again (the adapter's reset). */
	public synchronized void clear(boolean renumber) {
		this.rules = new Entry[0];
		if (renumber) {
			this.nextId = 1;
		}
	}

	/**
	 * The rule that fires for a step, if any, counted and journaled. Every rule that matches the step
	 * and has firings left draws its chance, the oldest that wins fires: so each rule's draws depend
	 * only on the steps it matches, not on what other rules do.
	 * @param stepBlock the step's block, or -1 if it has a mask instead
	 * @param mask a delivery's or an invalidation's mask, or null
	 * @param stepLength the bytes a read asks for, or -1
	 */
	@Nullable FaultRule fire(FaultRule.On step, int stepVf, int stepBlock, @Nullable BlockMask mask, int stepLength) {
		Entry[] current = this.rules;
		if (current.length == 0 || Arrays.stream(current).noneMatch((entry) -> entry.live()
				&& entry.rule.matches(step, stepVf, stepBlock, mask, stepLength))) {
			return null;
		}
		FaultRule fired = null;
		synchronized (this) {
			for (Entry entry : this.rules) {
				if (entry.live() && entry.rule.matches(step, stepVf, stepBlock, mask, stepLength) && entry.draw()
						&& fired == null) {
					entry.fired++;
					fired = entry.rule;
				}
			}
		}
		if (fired != null && this.journal.on()) {
			JournalEvent event = JournalEvent.of(JournalEvent.Party.ADMIN, JournalEvent.Op.FAULT, stepVf)
				.fault(fired.id(), fired.action().slug());
			event = (mask != null) ? event.mask(mask) : event.block(stepBlock);
			this.journal.record((fired.status() != null) ? event.status(fired.status().name()) : event);
		}
		return fired;
	}

	private void check(FaultRule rule) {
		if (rule.on() == null || rule.action() == null) {
			throw malformed("a fault needs \"on\" (vf-read, vf-write, delivery, invalidation, oid-request) and \"action\" "
					+ "(fail, delay, drop, short-read, reset-vf, free-vf)", Map.of());
		}
		if (!ALLOWED.get(rule.action()).contains(rule.on())) {
			throw malformed("action " + rule.action().slug() + " does not act on " + rule.on().slug() + "; it acts on "
					+ ALLOWED.get(rule.action()).stream().map(FaultRule.On::slug).toList(),
					Map.of("action", rule.action().slug(), "on", rule.on().slug()));
		}
		if (rule.vfId() != null && (rule.vfId() < 0 || rule.vfId() >= this.properties.totalVfs())) {
			throw malformed("vfId must be 0 to " + (this.properties.totalVfs() - 1), Map.of("vfId", rule.vfId()));
		}
		int blocks = (rule.on() == FaultRule.On.DELIVERY || rule.on() == FaultRule.On.INVALIDATION)
				? Math.min(this.properties.blockCount(), BlockMask.WIDTH) : this.properties.blockCount();
		if (rule.blockId() != null && (rule.blockId() < 0 || rule.blockId() >= blocks)) {
			throw malformed("blockId must be 0 to " + (blocks - 1) + " for " + rule.on().slug(),
					Map.of("blockId", rule.blockId()));
		}
		checkMembers(rule);
		if (rule.times() != null && rule.times() < 1) {
			throw malformed("times must be at least 1, or null for as long as the rule is there",
					Map.of("member", "times", "times", rule.times()));
		}
		if (!(rule.probability() > 0 && rule.probability() <= 1)) {
			throw malformed("probability must be over 0 and at most 1",
					Map.of("member", "probability", "probability", rule.probability()));
		}
	}

	/** Each action's own member, and no other action's. */
	private void checkMembers(FaultRule rule) {
		boolean fail = rule.action() == FaultRule.Action.FAIL;
		boolean delay = rule.action() == FaultRule.Action.DELAY;
		boolean shortRead = rule.action() == FaultRule.Action.SHORT_READ;
		String stray = (rule.status() != null && !fail) ? "status"
				: (rule.delay() != null && !delay) ? "delay" : (rule.length() != null && !shortRead) ? "length" : null;
		if (stray != null) {
			throw malformed("\"" + stray + "\" does not go with action " + rule.action().slug()
					+ " (status goes with fail, delay with delay, length with short-read)",
					Map.of("action", rule.action().slug(), "member", stray));
		}
		if (fail && rule.status() == NdisStatus.NDIS_STATUS_SUCCESS) {
			throw malformed("a fail needs a failure status, not NDIS_STATUS_SUCCESS", Map.of("ndisStatus", rule.status()));
		}
		if (delay && rule.delay() == null) {
			throw malformed("a delay needs \"delay\": how long the step waits, such as \"200ms\"",
					Map.of("member", "delay"));
		}
		if (delay && (rule.delay().isNegative() || rule.delay().isZero() || rule.delay().compareTo(MAX_DELAY) > 0)) {
			throw malformed("delay must be over 0 and at most " + MAX_DELAY.toSeconds() + "s",
					Map.of("member", "delay", "delayMillis", rule.delay().toMillis()));
		}
		if (shortRead && rule.length() == null) {
			throw malformed("a short-read needs \"length\": the bytes the VF gets", Map.of("member", "length"));
		}
		if (shortRead && (rule.length() < 1 || rule.length() > this.properties.blockSize())) {
			throw malformed("length must be 1 to " + this.properties.blockSize() + " (vsriov.block-size)",
					Map.of("member", "length", "length", rule.length()));
		}
	}

	private static AdapterException malformed(String detail, Map<String, ?> values) {
		return new AdapterException(Fault.MALFORMED_REQUEST, detail, values);
	}

	/** A rule in force. Its counts are guarded by the {@link Faults}' lock. */
	private static final class Entry {

		private final FaultRule rule;

		private final SplittableRandom random;

		// Written under the Faults' lock, read without it by the look that keeps steps no rule
		// matches (a rule that has fired its times among them) off that lock.
		private volatile long fired;

		Entry(FaultRule rule, SplittableRandom random) {
			this.rule = rule;
			this.random = random;
		}

		/** Whether it has firings left. */
		boolean live() {
			return this.rule.times() == null || this.fired < this.rule.times();
		}

		/** Whether it wins its draw this time (always, at probability 1). */
		boolean draw() {
			return this.rule.probability() >= 1 || this.random.nextDouble() < this.rule.probability();
		}

		Listed listed() {
			Integer remaining = (this.rule.times() != null) ? (int) (this.rule.times() - this.fired) : null;
			return new Listed(this.rule, this.fired, remaining);
		}

	}

}
