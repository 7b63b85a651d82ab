package io.pgcopydb.copy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetRelation;
import io.pgcopydb.error.BadStateException;

/**
 * Resolves, once per run and before any row is copied, where each source table's rows
 * land on the target as it is now, after whatever schema changes followed restore
 * pre-data, and groups the tables into copy units ({@link CopyTarget}). Pure: the target
 * is read through {@link Lookup}.
 * <ol>
 * <li>A table lands in the target relation of its own name, unless that relation is a
 * partition laid out differently than on the source (another parent or another bound):
 * its rows would not all fit, so they go through the top of its partition tree, which
 * routes each row.
 * <li>A table the target lacks lands in its nearest partitioned ancestor of the source
 * that the target has: partitions merged into one plain table, or re-partitioned.
 * <li>Tables whose landing relations lie in one another's partition tree form one unit,
 * emptied by a TRUNCATE of the topmost of them; any other table is a unit of its own.
 * </ol>
 * A table with nowhere to land is refused, naming it, before anything is copied.
 */
public final class TargetMapping {

	private TargetMapping() {
	}

	/**
	 * @param tables the plan's tables, in copy order: a unit is led by its first table
	 * @return one target per table, in the same order
	 * @throws BadStateException when the target has neither the table nor any of its
	 * partitioned ancestors
	 */
	public static List<CopyTarget> resolve(List<SourceTable> tables, Lookup target) throws SQLException {
		Map<SourceTable, TargetRelation> landing = new LinkedHashMap<>();
		for (SourceTable table : tables) {
			landing.put(table, land(table, target));
		}
		// a unit's relation is the landing of one of its tables: partitioned or not as
		// that landing is
		Map<String, Boolean> partitioned = new HashMap<>();
		landing.values().forEach((relation) -> partitioned.put(relation.qualifiedName(), relation.partitioned()));
		Map<String, Long> leaders = new HashMap<>();
		List<CopyTarget> targets = new ArrayList<>();
		for (Map.Entry<SourceTable, TargetRelation> entry : landing.entrySet()) {
			TargetRelation relation = entry.getValue();
			String unit = unitRelation(relation, partitioned.keySet());
			long leader = leaders.computeIfAbsent(unit, (name) -> entry.getKey().oid());
			targets.add(new CopyTarget(entry.getKey().oid(), relation.qualifiedName(), relation.partitioned(), leader,
					unit, partitioned.get(unit)));
		}
		return targets;
	}

	/** Where the rows of {@code table} go; see the class comment, steps 1 and 2. */
	static TargetRelation land(SourceTable table, Lookup target) throws SQLException {
		Optional<TargetRelation> namesake = target.relation(table.qualifiedName());
		if (namesake.isPresent()) {
			TargetRelation relation = namesake.get();
			if (relation.parent() == null || sameBounds(table, relation)) {
				return relation;
			}
			return target.relation(relation.root())
				.orElseThrow(() -> new IllegalStateException("partition root " + relation.root() + " vanished"));
		}
		for (String ancestor : table.partitionAncestors()) {
			Optional<TargetRelation> relation = target.relation(ancestor);
			if (relation.isPresent()) {
				return relation.get();
			}
		}
		String ancestors = table.partitionAncestors().isEmpty() ? ""
				: " (nor its partitioned parent " + String.join(", ", table.partitionAncestors()) + ")";
		throw new BadStateException("the target has no table " + table.displayName() + ancestors
				+ " to copy its rows into: create it on the target (restore pre-data creates it),"
				+ " then run copy data --resume");
	}

	private static boolean sameBounds(SourceTable table, TargetRelation relation) {
		return Objects.equals(table.partitionParent(), relation.parent())
				&& Objects.equals(table.partitionBound(), relation.partitionBound());
	}

	/**
	 * The topmost relation among {@code relation} and its ancestors that rows land in.
	 */
	private static String unitRelation(TargetRelation relation, Set<String> landings) {
		String unit = relation.qualifiedName();
		for (String ancestor : relation.ancestors()) {
			if (landings.contains(ancestor)) {
				unit = ancestor;
			}
		}
		return unit;
	}

	/** Reads one relation of the target by its quoted, qualified name. */
	@FunctionalInterface
	public interface Lookup {

		Optional<TargetRelation> relation(String qualifiedName) throws SQLException;

	}

}
