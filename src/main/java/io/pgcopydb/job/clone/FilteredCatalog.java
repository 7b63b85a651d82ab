package io.pgcopydb.job.clone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceSequence;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.ObjectId;

/**
 * The source catalog as a filtered run plans it: the tables, indexes and sequences the
 * {@link FilterPlan} keeps. A table left out is neither created, copied, locked nor
 * vacuumed; an index or constraint left out (by name, or with its table) is not built; a
 * sequence left out is not set, and one kept without its owner (the owning table is left
 * out) is set by its name, as nothing on the target owns it. Tables whose rows stay
 * behind stay in the plan: the run creates and indexes them, and only the copy passes
 * them over. Pure, so the catalog step's decisions can be tested without a server.
 *
 * @param tables the tables the run creates, in the catalog's order
 * @param indexes the indexes and constraints the run builds
 * @param sequences the sequences the run sets
 * @param copied the tables whose rows the run copies
 */
record FilteredCatalog(List<SourceTable> tables, List<SourceIndex> indexes, List<SourceSequence> sequences,
		List<SourceTable> copied) {

	static FilteredCatalog of(FilterPlan plan, List<SourceTable> tables, List<SourceIndex> indexes,
			List<SourceSequence> sequences) {
		List<SourceTable> kept = tables.stream().filter((table) -> !plan.skips(relation(table.oid()))).toList();
		List<SourceIndex> keptIndexes = indexes.stream()
			.filter((index) -> !plan.skips(relation(index.oid())) && !plan.skips(relation(index.tableOid()))
					&& (index.constraintOid() == 0
							|| !plan.skips(new ObjectId(ObjectId.PG_CONSTRAINT, index.constraintOid()))))
			.toList();
		List<SourceSequence> keptSequences = new ArrayList<>();
		for (SourceSequence sequence : sequences) {
			ObjectId id = relation(sequence.oid());
			if (plan.skips(id)) {
				continue;
			}
			keptSequences.add(plan.unownedSequences().containsKey(id)
					? new SourceSequence(sequence.oid(), sequence.schema(), sequence.name(), null, null) : sequence);
		}
		List<SourceTable> copied = kept.stream().filter((table) -> !plan.skipsData(relation(table.oid()))).toList();
		return new FilteredCatalog(kept, keptIndexes, keptSequences, copied);
	}

	/**
	 * One line on what the filters leave out (objects that are parts of another left-out
	 * object are not counted), for the log and the run summary:
	 * {@code 6 objects (3 tables, 2 views, 1 foreign key); rows of 1 table stay behind};
	 * empty when they leave nothing out.
	 */
	static String summary(FilterPlan plan) {
		// parts (row types, a view's rule, defaults, toast tables) leave with their
		// whole:
		// counting them would only confuse the count of what the user sees
		List<FilterPlan.Skip> wholes = plan.skipped()
			.values()
			.stream()
			.filter((skip) -> skip.object().partOf() == null)
			.toList();
		Map<String, Integer> kinds = new LinkedHashMap<>();
		wholes.stream()
			.map((skip) -> skip.object().kind())
			.sorted()
			.forEach((kind) -> kinds.merge(kind, 1, Integer::sum));
		List<String> parts = new ArrayList<>();
		String byKind = kinds.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.map((e) -> count(e.getValue(), e.getKey()))
			.collect(Collectors.joining(", "));
		parts.add(kinds.isEmpty() ? "no objects" : count(wholes.size(), "object") + " (" + byKind + ")");
		int data = plan.dataSkipped().size();
		if (data > 0) {
			parts.add("rows of " + count(data, "table") + " stay behind");
		}
		if (!plan.notValidForeignKeys().isEmpty()) {
			parts.add(count(plan.notValidForeignKeys().size(), "foreign key") + " created NOT VALID");
		}
		return (plan.skipped().isEmpty() && parts.size() == 1) ? "" : String.join("; ", parts);
	}

	static String count(int count, String kind) {
		return count + " " + ((count == 1) ? kind : plural(kind));
	}

	private static String plural(String kind) {
		if (kind.endsWith("ss")) {
			return kind + "es";
		}
		if (kind.endsWith("s")) {
			return kind;
		}
		if (kind.endsWith("x")) {
			return kind + "es";
		}
		if (kind.endsWith("y") && !kind.endsWith("ey")) {
			return kind.substring(0, kind.length() - 1) + "ies";
		}
		return kind + "s";
	}

	private static ObjectId relation(long oid) {
		return new ObjectId(ObjectId.PG_CLASS, oid);
	}

}
