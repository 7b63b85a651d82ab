package io.pgcopydb.filter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.pgcopydb.filter.FilterPlan.Skip;

/**
 * Decides what a filter leaves out of a source database, following dependencies so that
 * nothing kept needs something left out, and nothing is half-created:
 * <ol>
 * <li>seeds: schemas ({@link Filters#schemaLeftOut}), relations
 * ({@link Filters#tableLeftOut}; a partition of a listed table is listed), indexes
 * ({@link Filters#indexLeftOut}) and extensions ({@link Filters#extensionLeftOut}) named
 * by the filter;
 * <li>closure: an object that depends ({@code n}, {@code a}, {@code i}, {@code P},
 * {@code S}, {@code h}, {@code H}) on a left-out one is left out, and a whole whose part
 * ({@link GraphObject#partOf()}, or an {@code i} dependency) is left out is left out:
 * views and materialized views over a left-out table, foreign keys into it, its triggers,
 * rules, policies, statistics, publication memberships, partitions and inheritance
 * children, tables with a column typed by its row type, functions whose SQL body (BEGIN
 * ATOMIC) reads it;
 * <li>an index named by [exclude-index] that is a partition of a parent index ({@code P})
 * takes the parent index with it (and so the parent's constraint and the other
 * partitions' indexes); a partition table left out does not;
 * <li>an extension is left out only by the extension sections and --skip-extensions,
 * never through its schema or anything it needs; once left out it is the target's
 * business: its members are never left out, and nothing is left out for using them
 * ({@code e} dependencies do not propagate);
 * <li>a sequence owned by a left-out table (its {@code a} dependency on the table) is
 * left out only when no kept object uses it; otherwise it is kept without OWNED BY, with
 * a warning ({@link FilterPlan#unownedSequences()});
 * <li>[exclude-table-data] (partitions included) marks kept tables whose rows stay
 * behind; a kept foreign key from a table whose rows are copied into such a table is
 * created NOT VALID ({@link FilterPlan#notValidForeignKeys()}), unless its table is
 * partitioned and the target refuses NOT VALID there: then it is left out with a warning
 * naming it;
 * <li>entries that matched nothing are reported ({@link FilterPlan#unmatched()}), and
 * [include-only-table] entries whose every table is left out all the same (a partition
 * listed without its parent) are warned of.
 * </ol>
 */
public final class FilterPlanner {

	private final Filters filters;

	private final ObjectGraph graph;

	private final Map<ObjectId, Skip> skipped = new LinkedHashMap<>();

	private final Deque<GraphObject> queue = new ArrayDeque<>();

	/** Sequences owned by a left-out table, in the order met: sequence to its table. */
	private final Map<ObjectId, ObjectId> ownedByLeftOut = new LinkedHashMap<>();

	private final List<String> warnings = new ArrayList<>();

	private FilterPlanner(Filters filters, ObjectGraph graph) {
		this.filters = filters;
		this.graph = graph;
	}

	/**
	 * @param filters the run's filters
	 * @param objects every object of the source database a filter may leave out
	 * @param dependencies their dependencies
	 * @param notValidOnPartitioned the target creates a foreign key NOT VALID on a
	 * partitioned table (PostgreSQL 18 and later)
	 */
	public static FilterPlan plan(Filters filters, List<GraphObject> objects, List<Dependency> dependencies,
			boolean notValidOnPartitioned) {
		if (filters.isEmpty()) {
			return FilterPlan.NONE;
		}
		FilterPlanner planner = new FilterPlanner(filters, new ObjectGraph(objects, dependencies));
		planner.seed();
		planner.close();
		Map<ObjectId, GraphObject> unowned = planner.settleOwnedSequences();
		Map<ObjectId, Verdict> dataSkipped = planner.dataSkipped();
		Map<ObjectId, GraphObject> notValid = planner.foreignKeysIntoDataSkipped(dataSkipped, notValidOnPartitioned);
		unowned.keySet().removeIf(planner.skipped::containsKey);
		List<FilterEntry> unmatched = planner.unmatched();
		unmatched.forEach((entry) -> planner.warnings.add(filters.where(entry.line()) + ": [" + entry.section().title()
				+ "] " + entry.text() + " matches no object of the source"));
		planner.listedButLeftOut();
		Map<ObjectId, Skip> skipped = new LinkedHashMap<>();
		planner.graph.objects().forEach((object) -> {
			Skip skip = planner.skipped.get(object.id());
			if (skip != null) {
				skipped.put(object.id(), skip);
			}
		});
		return new FilterPlan(skipped, dataSkipped, notValid, unowned, unmatched, planner.warnings);
	}

	/** The objects the filter names, or does not list in an include-only section. */
	private void seed() {
		for (GraphObject object : this.graph.objects()) {
			Optional<Verdict> verdict = switch (object.kind()) {
				case GraphObject.SCHEMA -> this.filters.schemaLeftOut(object.name());
				case GraphObject.EXTENSION -> this.filters.extensionLeftOut(object.name());
				case GraphObject.INDEX -> this.filters.indexLeftOut(object.schema(), object.name());
				default -> object.isRelation() ? this.filters.tableLeftOut(object.schema(), object.name(),
						object.holdsRows(), this.graph.ancestors(object)) : Optional.empty();
			};
			verdict.ifPresent((found) -> leaveOut(object, new Skip(object, found, null, found.describe())));
		}
	}

	private void leaveOut(GraphObject object, Skip skip) {
		if (object.extensionMember() || this.skipped.containsKey(object.id())) {
			return;
		}
		this.skipped.put(object.id(), skip);
		if (!GraphObject.EXTENSION.equals(object.kind())) {
			this.queue.add(object);
		}
	}

	/**
	 * An object left out because of another. Never an extension: only the extension
	 * sections and --skip-extensions decide one, not its schema nor anything it needs, as
	 * a kept object may use it (a kept table's citext column, citext in a left-out
	 * schema).
	 */
	private void leaveOut(GraphObject object, Reasons.Reason reason) {
		if (GraphObject.EXTENSION.equals(object.kind())) {
			return;
		}
		leaveOut(object, new Skip(object, null, reason.cause(), reason.text()));
	}

	/**
	 * Follows dependencies, parts and wholes from every left-out object until none is
	 * new.
	 */
	private void close() {
		while (!this.queue.isEmpty()) {
			GraphObject out = this.queue.poll();
			for (Dependency edge : partitionsFirst(this.graph.propagatingDependents(out.id()))) {
				GraphObject dependent = this.graph.get(edge.dependent());
				if (edge.type() == 'a' && GraphObject.SEQUENCE.equals(dependent.kind()) && out.isRelation()) {
					this.ownedByLeftOut.putIfAbsent(dependent.id(), out.id());
					continue;
				}
				leaveOut(dependent, Reasons.of(this.graph, dependent, out, edge.type()));
			}
			for (GraphObject part : this.graph.parts(out.id())) {
				leaveOut(part, Reasons.of(this.graph, part, out, 'i'));
			}
			Skip skip = this.skipped.get(out.id());
			if (out.partOf() != null && this.graph.get(out.partOf()) != null) {
				leaveOut(this.graph.get(out.partOf()), Reasons.ofPart(skip));
			}
			for (Dependency edge : this.graph.dependencies(out.id())) {
				if (edge.type() == 'i') {
					leaveOut(this.graph.get(edge.referenced()), Reasons.ofPart(skip));
				}
				else if (edge.type() == 'P' && skip.verdict() != null && GraphObject.INDEX.equals(out.kind())
						&& GraphObject.INDEX.equals(this.graph.get(edge.referenced()).kind())) {
					// a parent index is never half-attached: named partition index out
					GraphObject parent = this.graph.get(edge.referenced());
					leaveOut(parent, new Reasons.Reason(out.id(), "its partition " + ObjectGraph.describe(out)
							+ " is left out (" + skip.verdict().describe() + ")"));
				}
			}
		}
	}

	/**
	 * Partition and inheritance edges before the others, so that a partition or child
	 * table says it goes with its parent rather than that it reads it.
	 */
	private static List<Dependency> partitionsFirst(List<Dependency> edges) {
		List<Dependency> ordered = new ArrayList<>(edges.size());
		edges.stream().filter(FilterPlanner::ofParent).forEach(ordered::add);
		edges.stream().filter((edge) -> !ofParent(edge)).forEach(ordered::add);
		return ordered;
	}

	private static boolean ofParent(Dependency edge) {
		return edge.type() == Dependency.PARTITION_OF || edge.type() == Dependency.INHERITS || edge.type() == 'P';
	}

	/**
	 * A sequence owned by a left-out table follows it unless a kept object uses it; as
	 * leaving one out may leave out another's last user, repeat until nothing changes.
	 * @return the sequences kept without OWNED BY
	 */
	private Map<ObjectId, GraphObject> settleOwnedSequences() {
		boolean changed = true;
		while (changed) {
			changed = false;
			for (Map.Entry<ObjectId, ObjectId> owned : List.copyOf(this.ownedByLeftOut.entrySet())) {
				GraphObject sequence = this.graph.get(owned.getKey());
				if (this.skipped.containsKey(sequence.id()) || keptUser(sequence).isPresent()) {
					continue;
				}
				GraphObject table = this.graph.get(owned.getValue());
				leaveOut(sequence, new Reasons.Reason(table.id(), "owned by " + ObjectGraph.describe(table)));
				close();
				changed = true;
			}
		}
		Map<ObjectId, GraphObject> unowned = new TreeMap<>(this::compare);
		this.ownedByLeftOut.forEach((sequenceId, tableId) -> {
			GraphObject sequence = this.graph.get(sequenceId);
			Optional<GraphObject> user = keptUser(sequence);
			if (!this.skipped.containsKey(sequenceId) && user.isPresent()) {
				unowned.put(sequenceId, sequence);
				this.warnings.add(ObjectGraph.describe(sequence) + " is owned by "
						+ ObjectGraph.describe(this.graph.get(tableId)) + ", which is left out, but "
						+ ObjectGraph.describe(user.get()) + " uses it: kept without OWNED BY");
			}
		});
		return unowned;
	}

	private Optional<GraphObject> keptUser(GraphObject sequence) {
		return this.graph.dependents(sequence.id())
			.stream()
			.filter((edge) -> edge.type() != 'e')
			.map((edge) -> this.graph.get(edge.dependent()))
			.filter((user) -> !this.skipped.containsKey(user.id()))
			.findFirst();
	}

	private int compare(ObjectId left, ObjectId right) {
		return ObjectGraph.ORDER.compare(this.graph.get(left), this.graph.get(right));
	}

	/**
	 * Kept tables whose rows stay behind: named in [exclude-table-data], or a partition
	 * of one.
	 */
	private Map<ObjectId, Verdict> dataSkipped() {
		Map<ObjectId, Verdict> dataSkipped = new LinkedHashMap<>();
		for (GraphObject object : this.graph.objects()) {
			if (object.holdsRows() && !this.skipped.containsKey(object.id())) {
				this.filters.tableDataLeftOut(object.schema(), object.name(), this.graph.ancestors(object))
					.ifPresent((verdict) -> dataSkipped.put(object.id(), verdict));
			}
		}
		return dataSkipped;
	}

	/**
	 * Kept foreign keys from a table whose rows are copied into one whose rows stay
	 * behind: NOT VALID where the target allows it, else left out with a warning. A
	 * partition's copy of its parent's foreign key follows the parent's.
	 */
	private Map<ObjectId, GraphObject> foreignKeysIntoDataSkipped(Map<ObjectId, Verdict> dataSkipped,
			boolean notValidOnPartitioned) {
		Map<ObjectId, GraphObject> notValid = new LinkedHashMap<>();
		for (GraphObject key : this.graph.objects()) {
			if (!GraphObject.FOREIGN_KEY.equals(key.kind()) || this.skipped.containsKey(key.id())
					|| key.references() == null || !dataSkipped.containsKey(key.references())
					|| dataSkipped.containsKey(key.table()) || inherited(key)) {
				continue;
			}
			GraphObject table = this.graph.get(key.table());
			GraphObject referenced = this.graph.get(key.references());
			Verdict verdict = dataSkipped.get(key.references());
			if (table != null && GraphObject.PARTITIONED_TABLE.equals(table.kind()) && !notValidOnPartitioned) {
				leaveOut(key, new Reasons.Reason(referenced.id(), "foreign key into " + ObjectGraph.describe(referenced)
						+ ", whose rows stay behind (" + verdict.describe() + "), on a partitioned table"));
				this.warnings.add(ObjectGraph.describe(key) + " is left out: " + ObjectGraph.describe(referenced)
						+ " keeps its rows behind (" + verdict.describe() + ") and the target (PostgreSQL 17 or"
						+ " older) cannot create a foreign key NOT VALID on " + ObjectGraph.describe(table)
						+ ": add it on the target once the rows are there");
			}
			else {
				notValid.put(key.id(), key);
			}
		}
		close();
		notValid.keySet().removeIf(this.skipped::containsKey);
		return notValid;
	}

	private boolean inherited(GraphObject key) {
		return this.graph.dependencies(key.id())
			.stream()
			.anyMatch((edge) -> edge.type() == 'P'
					&& GraphObject.FOREIGN_KEY.equals(this.graph.get(edge.referenced()).kind()));
	}

	/**
	 * Warns of every [include-only-table] entry whose every table is left out all the
	 * same: a partition or inheritance child listed without its parent.
	 */
	private void listedButLeftOut() {
		for (FilterEntry entry : this.filters.entries()) {
			if (entry.section() != Section.INCLUDE_ONLY_TABLE) {
				continue;
			}
			Skip first = null;
			boolean kept = false;
			for (GraphObject object : this.graph.objects()) {
				if (object.isRelation() && entry.matches(object.schema(), object.name())) {
					Skip skip = this.skipped.get(object.id());
					kept |= skip == null;
					first = (first != null) ? first : skip;
				}
			}
			if (!kept && first != null) {
				Skip cause = (first.cause() != null) ? this.skipped.get(first.cause()) : null;
				boolean unlisted = cause != null && cause.verdict() != null
						&& cause.verdict().section() == Section.INCLUDE_ONLY_TABLE
						&& (first.reason().startsWith("partition of ") || first.reason().startsWith("inherits from "));
				this.warnings.add(this.filters.where(entry.line()) + ": [" + entry.section().title() + "] "
						+ entry.text() + " is left out: " + first.reason()
						+ (unlisted ? ", which is not listed: list the parent" : ""));
			}
		}
	}

	/** Entries that name no object of their kind, in file order. */
	private List<FilterEntry> unmatched() {
		List<FilterEntry> unmatched = new ArrayList<>();
		for (FilterEntry entry : this.filters.entries()) {
			boolean found = false;
			for (GraphObject object : this.graph.objects()) {
				if (named(entry.section().kind(), object)
						&& entry.matches(entry.section().kind().qualified() ? object.schema() : null, object.name())) {
					found = true;
					break;
				}
			}
			if (!found) {
				unmatched.add(entry);
			}
		}
		return unmatched;
	}

	private static boolean named(Section.Kind kind, GraphObject object) {
		return switch (kind) {
			case SCHEMA -> GraphObject.SCHEMA.equals(object.kind());
			case TABLE -> object.isRelation();
			case INDEX -> GraphObject.INDEX.equals(object.kind());
			case EXTENSION -> GraphObject.EXTENSION.equals(object.kind());
		};
	}

}
