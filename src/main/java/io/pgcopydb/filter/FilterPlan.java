package io.pgcopydb.filter;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a filter leaves out of one run, decided once over the source catalog read in the
 * run's snapshot ({@link FilterPlanner}), and what every stage of the run applies: the
 * copy plan, both schema restores, the sequences, list commands.
 *
 * @param skipped the objects left out, each with why (every object of the source not here
 * is kept)
 * @param dataSkipped the kept tables whose rows stay behind ([exclude-table-data],
 * partitions included): created, never copied nor truncated
 * @param notValidForeignKeys kept foreign keys from a table whose rows are copied into
 * one whose rows are not: created NOT VALID by the run (their archive entry is not
 * restored), so they check new rows without refusing the old ones
 * @param unownedSequences kept sequences owned by a left-out table but used by a kept
 * object: created without OWNED BY
 * @param unmatched filter entries that matched no object (a warning each)
 * @param warnings what an operator should read: every unowned sequence, every foreign key
 * left out because the server cannot create it NOT VALID, every unmatched entry
 */
public record FilterPlan(Map<ObjectId, Skip> skipped, Map<ObjectId, Verdict> dataSkipped,
		Map<ObjectId, GraphObject> notValidForeignKeys, Map<ObjectId, GraphObject> unownedSequences,
		List<FilterEntry> unmatched, List<String> warnings) {

	/** No filter: nothing left out. */
	public static final FilterPlan NONE = new FilterPlan(Map.of(), Map.of(), Map.of(), Map.of(), List.of(), List.of());

	public boolean skips(ObjectId id) {
		return this.skipped.containsKey(id);
	}

	public boolean skipsData(ObjectId table) {
		return this.dataSkipped.containsKey(table);
	}

	public Set<ObjectId> skippedIds() {
		return this.skipped.keySet();
	}

	/**
	 * One object left out, and why: either a filter entry named it ({@code verdict}), or
	 * it needs an object left out ({@code cause}, with the kind of need in
	 * {@code reason}).
	 *
	 * @param object the object
	 * @param verdict the filter decision that names it, or null
	 * @param cause the left-out object it depends on (or, for a whole, its left-out
	 * part), or null
	 * @param reason in words: {@code [exclude-table] public.foo (line 7)}, {@code reads
	 * table public.foo}, {@code foreign key into table public.foo}, {@code partition of
	 * table public.foo}, {@code column typed by table public.foo}...
	 */
	public record Skip(GraphObject object, Verdict verdict, ObjectId cause, String reason) {
	}

}
