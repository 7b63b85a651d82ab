package io.pgcopydb.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.pg.Identifiers;

/**
 * The archive entries a run's filters leave out of its two schema restores, decided from
 * the run's {@link FilterPlan} over the entries of both archives at once (they are dumped
 * in one snapshot, so their dumpIds agree, and a post-data comment may depend on a
 * pre-data entry):
 * <ul>
 * <li>an entry that creates an object (its catalog and object OIDs; TABLE DATA and
 * MATERIALIZED VIEW DATA name their relation) follows the plan: left out when the plan
 * leaves its object out, kept otherwise, whatever the archive says it depends on (pg_dump
 * makes a sequence depend on its owning table, which the plan may leave out while keeping
 * the sequence);
 * <li>an entry about another's object (COMMENT, ACL, SECURITY LABEL, SEQUENCE OWNED
 * BY...: no OIDs) is left out when an entry it depends on is left out, transitively;
 * SEQUENCE OWNED BY of a sequence the plan keeps without its owner is left out too;
 * <li>an entry in a schema the plan leaves out is left out, whatever its kind: a
 * collation or default privileges the plan does not list cannot be created there;
 * <li>a foreign key the plan creates NOT VALID is left out of pg_restore and created by
 * the run ({@link #notValidForeignKeys()}) before the post-data restore, so its comment
 * still restores. It counts as kept for what depends on it.
 * </ul>
 * Pure: the plan and the listings in, decisions out.
 */
public final class ArchiveFilter {

	/** No filter: every entry is restored. */
	public static final ArchiveFilter NONE = new ArchiveFilter(Map.of(), List.of());

	/** Left-out dumpIds and why (restored by the run instead for NOT VALID keys). */
	private final Map<Integer, String> leftOut;

	private final List<NotValidForeignKey> notValid;

	private ArchiveFilter(Map<Integer, String> leftOut, List<NotValidForeignKey> notValid) {
		this.leftOut = leftOut;
		this.notValid = notValid;
	}

	/**
	 * @param plan the run's filter plan
	 * @param archives the listings of both archives (with their dependencies: listed with
	 * --verbose); either may be missing
	 */
	public static ArchiveFilter of(FilterPlan plan, List<ArchiveToc> archives) {
		if (plan == null || plan.equals(FilterPlan.NONE)) {
			return NONE;
		}
		Map<Integer, TocEntry> byId = new LinkedHashMap<>();
		for (ArchiveToc toc : archives) {
			if (toc != null) {
				toc.entries().forEach((entry) -> byId.putIfAbsent(entry.dumpId(), entry));
			}
		}
		Decider decider = new Decider(plan, byId);
		Map<Integer, String> leftOut = new LinkedHashMap<>();
		List<NotValidForeignKey> notValid = new ArrayList<>();
		for (TocEntry entry : byId.values()) {
			ObjectId id = entry.objectId();
			GraphObject key = (id != null) ? plan.notValidForeignKeys().get(id) : null;
			if (key != null && "FK CONSTRAINT".equals(entry.desc())) {
				notValid.add(NotValidForeignKey.of(key, entry, byId));
				leftOut.put(entry.dumpId(),
						"created NOT VALID by the run (its referenced table's rows are not copied)");
				continue;
			}
			decider.reason(entry).ifPresent((reason) -> leftOut.put(entry.dumpId(), reason));
		}
		return new ArchiveFilter(leftOut, List.copyOf(notValid));
	}

	/** Whether pg_restore restores this entry, as far as the filters go. */
	public boolean keeps(TocEntry entry) {
		return !this.leftOut.containsKey(entry.dumpId());
	}

	/** Why the entry is left out, or empty when it is kept. */
	public Optional<String> reason(TocEntry entry) {
		return Optional.ofNullable(this.leftOut.get(entry.dumpId()));
	}

	/** How many of {@code toc}'s entries the filters leave out. */
	public int leftOut(ArchiveToc toc) {
		return (int) toc.entries().stream().filter((entry) -> !keeps(entry)).count();
	}

	public boolean isEmpty() {
		return this.leftOut.isEmpty();
	}

	/** The foreign keys the run creates NOT VALID, in archive order. */
	public List<NotValidForeignKey> notValidForeignKeys() {
		return this.notValid;
	}

	/**
	 * A foreign key the run creates itself, NOT VALID: it checks new rows but not the
	 * rows of a referenced table that the run leaves behind.
	 *
	 * @param schema the table's schema
	 * @param table the table's name
	 * @param name the constraint's name
	 * @param definition {@code pg_get_constraintdef}
	 * @param dumpId its archive entry's id (what its comment depends on)
	 */
	public record NotValidForeignKey(String schema, String table, String name, String definition, int dumpId) {

		static NotValidForeignKey of(GraphObject key, TocEntry entry, Map<Integer, TocEntry> byId) {
			String table = null;
			if (key.table() != null) {
				table = byId.values()
					.stream()
					.filter((other) -> key.table().equals(other.objectId()) && "TABLE".equals(other.desc()))
					.map(TocEntry::name)
					.findFirst()
					.orElse(null);
			}
			if (table == null && entry.name().endsWith(" " + key.name())) {
				// pg_dump tags a constraint "table constraint"
				table = entry.name().substring(0, entry.name().length() - key.name().length() - 1);
			}
			String schema = (key.schema() != null) ? key.schema() : entry.schema();
			return new NotValidForeignKey(schema, table, key.name(), key.definition(), entry.dumpId());
		}

		/**
		 * The statement; an already NOT VALID definition is not marked twice. Without
		 * ONLY: PostgreSQL refuses ONLY for a foreign key on a partitioned table, and
		 * never adds a foreign key to a plain table's inheritance children anyway
		 * (tablecmds.c, ATExecAddConstraint: "we currently never recurse for FK
		 * constraints").
		 */
		public String sql() {
			String definition = this.definition.strip();
			return "ALTER TABLE " + Identifiers.qualified(this.schema, this.table) + " ADD CONSTRAINT "
					+ Identifiers.quote(this.name) + " " + definition
					+ (definition.endsWith("NOT VALID") ? "" : " NOT VALID");
		}

		/** {@code public.orders orders_customer_id_fkey} for messages. */
		public String describe() {
			return this.schema + "." + this.table + " " + this.name;
		}

	}

	/**
	 * Decides entries one by one, an entry without an object through those it depends on
	 * (memoized; a cycle, which pg_dump does not write, counts as kept).
	 */
	private static final class Decider {

		private final FilterPlan plan;

		private final Map<Integer, TocEntry> byId;

		private final Map<Integer, Optional<String>> decided = new HashMap<>();

		private final Set<Integer> deciding = new HashSet<>();

		private final Set<String> schemasLeftOut = new HashSet<>();

		Decider(FilterPlan plan, Map<Integer, TocEntry> byId) {
			this.plan = plan;
			this.byId = byId;
			plan.skipped()
				.values()
				.stream()
				.filter((skip) -> GraphObject.SCHEMA.equals(skip.object().kind()))
				.forEach((skip) -> this.schemasLeftOut.add(skip.object().name()));
		}

		Optional<String> reason(TocEntry entry) {
			Optional<String> known = this.decided.get(entry.dumpId());
			if (known != null) {
				return known;
			}
			if (!this.deciding.add(entry.dumpId())) {
				return Optional.empty();
			}
			Optional<String> reason = decide(entry);
			this.deciding.remove(entry.dumpId());
			this.decided.put(entry.dumpId(), reason);
			return reason;
		}

		private Optional<String> decide(TocEntry entry) {
			ObjectId id = entry.objectId();
			if (id != null) {
				FilterPlan.Skip skip = this.plan.skipped().get(id);
				if (skip != null) {
					return Optional.of(describe(skip));
				}
				if ("TABLE DATA".equals(entry.desc()) && this.plan.skipsData(id)) {
					return Optional.of(this.plan.dataSkipped().get(id).describe());
				}
			}
			if (entry.schema() != null && this.schemasLeftOut.contains(entry.schema())) {
				// what the plan does not know of a left-out schema cannot be created
				// either
				return Optional.of("in schema " + Identifiers.display(entry.schema()) + ", left out");
			}
			if (id != null) {
				return Optional.empty();
			}
			for (Integer dependency : entry.dependsOn()) {
				TocEntry needed = this.byId.get(dependency);
				if (needed == null) {
					continue;
				}
				if ("SEQUENCE OWNED BY".equals(entry.desc()) && needed.objectId() != null
						&& this.plan.unownedSequences().containsKey(needed.objectId())) {
					return Optional.of("sequence " + needed.schema() + "." + needed.name()
							+ " is kept without its owner, a table left out");
				}
				Optional<String> neededReason = reason(needed);
				if (neededReason.isPresent()) {
					String why = neededReason.get();
					return Optional.of(why.startsWith("goes with ") ? why
							: "goes with " + needed.desc().toLowerCase(java.util.Locale.ROOT) + " "
									+ ((needed.schema() != null) ? needed.schema() + "." : "") + needed.name() + " ("
									+ why + ")");
				}
			}
			return Optional.empty();
		}

		private static String describe(FilterPlan.Skip skip) {
			if (skip.reason() != null && !skip.reason().isBlank()) {
				return skip.reason();
			}
			return (skip.verdict() != null) ? skip.verdict().describe() : "depends on a left-out object";
		}

	}

}
