package io.pgcopydb.cli;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.pgcopydb.catalog.SourceGraph;
import io.pgcopydb.catalog.SourceInventory;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.filter.Verdict;
import io.pgcopydb.pg.ByteSize;
import io.pgcopydb.pg.Identifiers;

/**
 * The rows of the list commands that read the source, kept or marked as a run's filter
 * plan decides, each as a JSON object (field names documented in jobs/README.md; they are
 * a contract with scripts) and as a text row. An object is kept unless the plan leaves it
 * out; an index also goes when its table does, and a table's rows when the plan skips its
 * data.
 */
final class SourceListing {

	private SourceListing() {
	}

	static Map<String, Object> database(SourceInventory.Database database) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("oid", database.oid());
		json.put("name", database.name());
		json.put("owner", database.owner());
		json.put("encoding", database.encoding());
		json.put("bytes", database.bytes());
		json.put("size", (database.bytes() != null) ? ByteSize.pretty(database.bytes()) : null);
		return json;
	}

	/** The tables a run copies, with whether their rows are copied. */
	static List<Map<String, Object>> tables(SourceInventory inventory, FilterPlan plan) throws SQLException {
		List<Map<String, Object>> rows = new ArrayList<>();
		for (SourceInventory.Table table : inventory.tables()) {
			ObjectId id = relation(table.oid());
			if (plan.skips(id)) {
				continue;
			}
			Verdict dataSkipped = plan.dataSkipped().get(id);
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("oid", table.oid());
			json.put("schema", table.schema());
			json.put("name", table.name());
			json.put("estimatedRows", table.estimatedRows());
			json.put("bytes", table.bytes());
			json.put("size", ByteSize.pretty(table.bytes()));
			json.put("copyRows", dataSkipped == null && !plan.skipsData(id));
			json.put("rowsSkippedBy", (dataSkipped != null) ? dataSkipped.describe() : null);
			json.put("parts", 1);
			json.put("partitionOf", table.partitionParent());
			rows.add(json);
		}
		return rows;
	}

	/** The kept sequences, with their last value and owner. */
	static List<Map<String, Object>> sequences(SourceInventory inventory, FilterPlan plan) throws SQLException {
		List<Map<String, Object>> rows = new ArrayList<>();
		for (SourceInventory.Sequence sequence : inventory.sequences()) {
			ObjectId id = relation(sequence.oid());
			if (plan.skips(id)) {
				continue;
			}
			boolean unowned = plan.unownedSequences().containsKey(id);
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("oid", sequence.oid());
			json.put("schema", sequence.schema());
			json.put("name", sequence.name());
			json.put("lastValue", sequence.lastValue());
			json.put("ownedBy", (sequence.ownerTable() != null && !unowned)
					? sequence.ownerTable() + "." + sequence.ownerColumn() : null);
			json.put("unowned", unowned);
			json.put("ownerLeftOut", unowned ? sequence.ownerTable() + "." + sequence.ownerColumn() : null);
			rows.add(json);
		}
		return rows;
	}

	/** The kept indexes of kept tables. */
	static List<Map<String, Object>> indexes(SourceInventory inventory, FilterPlan plan) throws SQLException {
		List<Map<String, Object>> rows = new ArrayList<>();
		for (SourceInventory.Index index : inventory.indexes()) {
			if (plan.skips(relation(index.oid())) || plan.skips(relation(index.tableOid()))) {
				continue;
			}
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("oid", index.oid());
			json.put("schema", index.schema());
			json.put("table", index.tableName());
			json.put("name", index.name());
			json.put("constraint", constraint(index.constraintType()));
			json.put("constraintName", index.constraintName());
			json.put("bytes", index.bytes());
			json.put("size", ByteSize.pretty(index.bytes()));
			json.put("definition", index.definition());
			rows.add(json);
		}
		return rows;
	}

	/** Every object the plan leaves out, those named by a filter entry first. */
	static List<Map<String, Object>> skipped(SourceGraph graph, FilterPlan plan) {
		Map<ObjectId, GraphObject> byId = byId(graph);
		Set<ObjectId> clones = clonesLeftOut(graph, plan, byId);
		return plan.skipped()
			.values()
			.stream()
			.filter((skip) -> listed(skip, plan) && !clones.contains(skip.object().id()))
			.sorted(Comparator.comparing((FilterPlan.Skip skip) -> skip.verdict() == null)
				.thenComparing((skip) -> displayName(skip.object(), byId)))
			.map((skip) -> skip(skip, byId))
			.toList();
	}

	/**
	 * Foreign keys cloned from a left-out foreign key (a partition's copy, or one per
	 * partition of the referenced table: their {@code P} dependency): PostgreSQL creates
	 * and drops them with their parent, so, like parts, they only repeat its line.
	 */
	static Set<ObjectId> clonesLeftOut(SourceGraph graph, FilterPlan plan, Map<ObjectId, GraphObject> byId) {
		Set<ObjectId> clones = new HashSet<>();
		graph.dependencies()
			.stream()
			.filter((edge) -> edge.type() == 'P' && plan.skips(edge.dependent()) && plan.skips(edge.referenced()))
			.filter((edge) -> byId.containsKey(edge.referenced())
					&& GraphObject.FOREIGN_KEY.equals(byId.get(edge.referenced()).kind()))
			.forEach((edge) -> clones.add(edge.dependent()));
		return clones;
	}

	/**
	 * Whether a left-out object gets a line of its own: not when it is a part of a
	 * left-out whole that is created with it (a view's _RETURN rule, a relation's row and
	 * array types and TOAST table, a column default, a CHECK constraint), which only
	 * repeats the whole's line.
	 */
	static boolean listed(FilterPlan.Skip skip, FilterPlan plan) {
		ObjectId whole = skip.object().partOf();
		return whole == null || !plan.skips(whole);
	}

	static Map<String, Object> skip(FilterPlan.Skip skip, Map<ObjectId, GraphObject> byId) {
		GraphObject object = skip.object();
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("kind", object.kind());
		json.put("schema", object.schema());
		json.put("name", object.name());
		json.put("table", (object.table() != null && byId.containsKey(object.table()))
				? displayName(byId.get(object.table()), byId) : null);
		json.put("displayName", displayName(object, byId));
		json.put("reason", reason(skip));
		Verdict verdict = skip.verdict();
		json.put("filter", (verdict != null) ? filter(verdict) : null);
		GraphObject cause = (skip.cause() != null) ? byId.get(skip.cause()) : null;
		json.put("cause", (cause != null) ? cause.kind() + " " + displayName(cause, byId) : null);
		return json;
	}

	/** The filter decision, its fields always in one order. */
	private static Map<String, Object> filter(Verdict verdict) {
		Map<String, Object> json = new LinkedHashMap<>();
		if (verdict.section() != null) {
			json.put("section", verdict.section().title());
		}
		if (verdict.entry() != null) {
			json.put("line", verdict.entry().line());
			json.put("entry", verdict.entry().text());
		}
		if (verdict.option() != null) {
			json.put("option", verdict.option());
		}
		return json;
	}

	/** The skip's reason in words: the filter entry, or the dependency. */
	static String reason(FilterPlan.Skip skip) {
		if (skip.reason() != null && !skip.reason().isBlank()) {
			return skip.reason();
		}
		return (skip.verdict() != null) ? skip.verdict().describe() : "";
	}

	/**
	 * The chain from an object the plan leaves out back to the object a filter named:
	 * {@code view app.v2 reads view app.v1; view app.v1 reads table app.customer}.
	 */
	static String chain(FilterPlan.Skip skip, FilterPlan plan, Map<ObjectId, GraphObject> byId) {
		List<String> links = new ArrayList<>();
		FilterPlan.Skip current = skip;
		// a cycle in a broken plan must not hang a list command
		for (int depth = 0; current != null && depth < 100; depth++) {
			if (current.cause() == null) {
				break;
			}
			GraphObject object = current.object();
			String reason = reason(current);
			// "trigger t on table app.customer", not "trigger t on app.customer on table
			// ..."
			String name = (reason.startsWith("on ") && object.table() != null) ? Identifiers.display(object.name())
					: displayName(object, byId);
			links.add(object.kind() + " " + name + " " + reason);
			current = plan.skipped().get(current.cause());
		}
		return String.join("; ", links);
	}

	static Map<ObjectId, GraphObject> byId(SourceGraph graph) {
		return graph.objects()
			.stream()
			.collect(Collectors.toMap(GraphObject::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
	}

	/** {@code app.customer}, {@code audit_trg on app.customer}, {@code archive}. */
	static String displayName(GraphObject object, Map<ObjectId, GraphObject> byId) {
		GraphObject table = (object.table() != null) ? byId.get(object.table()) : null;
		if (table != null && !table.id().equals(object.id()) && !object.holdsRows() && !object.isRelation()
				&& !GraphObject.INDEX.equals(object.kind()) && !GraphObject.SEQUENCE.equals(object.kind())) {
			return Identifiers.display(object.name()) + " on " + displayName(table, byId);
		}
		if (object.schema() == null) {
			return Identifiers.display(object.name());
		}
		return Identifiers.displayQualified(object.schema(), object.name());
	}

	static ObjectId relation(long oid) {
		return new ObjectId(ObjectId.PG_CLASS, oid);
	}

	private static String constraint(String type) {
		if (type == null) {
			return null;
		}
		return switch (type) {
			case "p" -> "primary key";
			case "u" -> "unique";
			case "x" -> "exclusion";
			default -> type;
		};
	}

}
