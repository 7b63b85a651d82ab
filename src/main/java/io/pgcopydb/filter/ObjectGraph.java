package io.pgcopydb.filter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.pg.Identifiers;

/**
 * The source objects indexed for {@link FilterPlanner}: by id, who depends on whom
 * (dependencies to objects outside the graph dropped, as the filter cannot leave those
 * out), parts by whole, partition ancestors; and how a message names an object.
 * Neighbours are kept in a fixed order so that a plan, reasons included, is the same on
 * every run over the same catalog.
 */
final class ObjectGraph {

	/** The deptypes a left-out object carries to its dependents. */
	private static final String PROPAGATING = "naiPShH";

	static final Comparator<GraphObject> ORDER = Comparator
		.comparing((GraphObject object) -> (object.schema() != null) ? object.schema() : "")
		.thenComparing(GraphObject::name, Comparator.nullsFirst(Comparator.naturalOrder()))
		.thenComparing(GraphObject::kind)
		.thenComparingLong((object) -> object.id().classOid())
		.thenComparingLong((object) -> object.id().objectOid());

	private final Map<ObjectId, GraphObject> byId = new LinkedHashMap<>();

	private final Map<ObjectId, List<Dependency>> dependents = new HashMap<>();

	private final Map<ObjectId, List<Dependency>> dependencies = new HashMap<>();

	private final Map<ObjectId, List<GraphObject>> parts = new HashMap<>();

	private final Map<String, GraphObject> schemas = new HashMap<>();

	ObjectGraph(List<GraphObject> objects, List<Dependency> edges) {
		objects.stream().sorted(ORDER).forEach((object) -> this.byId.put(object.id(), object));
		for (GraphObject object : this.byId.values()) {
			if (GraphObject.SCHEMA.equals(object.kind())) {
				this.schemas.put(object.name(), object);
			}
			if (object.partOf() != null) {
				this.parts.computeIfAbsent(object.partOf(), (key) -> new ArrayList<>()).add(object);
			}
		}
		List<Dependency> all = new ArrayList<>();
		for (Dependency edge : edges) {
			if (this.byId.containsKey(edge.dependent()) && this.byId.containsKey(edge.referenced())
					&& !edge.dependent().equals(edge.referenced())) {
				all.add(edge);
			}
		}
		for (GraphObject object : this.byId.values()) {
			GraphObject schema = (object.schema() != null && !GraphObject.SCHEMA.equals(object.kind()))
					? this.schemas.get(object.schema()) : null;
			if (schema != null) {
				all.add(new Dependency(object.id(), schema.id(), 'n'));
			}
		}
		Comparator<ObjectId> byOrder = Comparator.comparing(this.byId::get, ORDER);
		all.sort(Comparator.comparing(Dependency::referenced, byOrder)
			.thenComparing(Dependency::dependent, byOrder)
			.thenComparing(Dependency::type));
		for (Dependency edge : all) {
			this.dependents.computeIfAbsent(edge.referenced(), (key) -> new ArrayList<>()).add(edge);
			this.dependencies.computeIfAbsent(edge.dependent(), (key) -> new ArrayList<>()).add(edge);
		}
	}

	Iterable<GraphObject> objects() {
		return this.byId.values();
	}

	GraphObject get(ObjectId id) {
		return this.byId.get(id);
	}

	/** Who depends on {@code id} through a deptype that carries leaving out. */
	List<Dependency> propagatingDependents(ObjectId id) {
		return this.dependents.getOrDefault(id, List.of())
			.stream()
			.filter((edge) -> PROPAGATING.indexOf(edge.type()) >= 0)
			.toList();
	}

	/** Every dependency on {@code id}. */
	List<Dependency> dependents(ObjectId id) {
		return this.dependents.getOrDefault(id, List.of());
	}

	/** What {@code id} depends on. */
	List<Dependency> dependencies(ObjectId id) {
		return this.dependencies.getOrDefault(id, List.of());
	}

	/** The objects that are part of {@code id} ({@link GraphObject#partOf()}). */
	List<GraphObject> parts(ObjectId id) {
		return this.parts.getOrDefault(id, List.of());
	}

	/** Partition ancestors (pg_inherits 'h'), nearest first, as {schema, name}. */
	List<String[]> ancestors(GraphObject relation) {
		List<String[]> ancestors = new ArrayList<>();
		GraphObject current = relation;
		while (current != null && ancestors.size() < 64) {
			GraphObject parent = null;
			for (Dependency edge : dependencies(current.id())) {
				if (edge.type() == Dependency.PARTITION_OF) {
					parent = get(edge.referenced());
					ancestors.add(new String[] { parent.schema(), parent.name() });
					break;
				}
			}
			current = parent;
		}
		return ancestors;
	}

	/**
	 * How a message names an object: {@code table app.customer}, {@code schema
	 * "Mixed Case"}; other kinds as PostgreSQL describes them.
	 */
	static String describe(GraphObject object) {
		boolean named = object.isRelation() || GraphObject.SEQUENCE.equals(object.kind())
				|| GraphObject.INDEX.equals(object.kind());
		if (named && object.schema() != null) {
			return object.kind() + " " + Identifiers.displayQualified(object.schema(), object.name());
		}
		if (GraphObject.SCHEMA.equals(object.kind()) || GraphObject.EXTENSION.equals(object.kind())) {
			return object.kind() + " " + Identifiers.display(object.name());
		}
		if (object.description() != null) {
			return object.description();
		}
		return object.kind() + " " + ((object.schema() != null)
				? Identifiers.displayQualified(object.schema(), object.name()) : Identifiers.display(object.name()));
	}

}
