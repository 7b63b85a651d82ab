package io.pgcopydb.schema;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pgcopydb.catalog.SchemaObjects.CatalogObject;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;

/**
 * What a filter plan leaves out, by name, for the check that compares a source's catalog
 * with the target before any archive exists ({@link TargetPresence#clashes}): that
 * listing has pg_dump's kinds and tags, not OIDs. A left-out object cannot clash with the
 * target's, since the run never creates it: its schema, its relation or type name, and
 * for a constraint, trigger, rule or policy its table's name (pg_dump's tag starts with
 * it) are matched.
 */
public final class SkippedNames {

	private static final Set<String> OF_A_TABLE = Set.of("CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT", "TRIGGER",
			"RULE", "POLICY", "TABLE ATTACH", "INDEX ATTACH");

	private final Set<String> schemas = new HashSet<>();

	private final Set<QualifiedName> relations = new HashSet<>();

	private final Set<QualifiedName> routines = new HashSet<>();

	public SkippedNames(FilterPlan plan) {
		Map<ObjectId, GraphObject> skipped = new HashMap<>();
		plan.skipped().forEach((id, skip) -> skipped.put(id, skip.object()));
		for (GraphObject object : skipped.values()) {
			if (object == null) {
				continue;
			}
			if (GraphObject.SCHEMA.equals(object.kind())) {
				this.schemas.add(object.name());
			}
			else if (object.schema() != null && object.table() == null) {
				if ("function".equals(object.kind()) || "procedure".equals(object.kind())
						|| "aggregate".equals(object.kind())) {
					this.routines.add(new QualifiedName(object.schema(), bareRoutineName(object.name())));
				}
				else {
					this.relations.add(new QualifiedName(object.schema(), object.name()));
				}
			}
		}
	}

	/** Whether the run may create this source object (the plan does not leave it out). */
	public boolean keeps(CatalogObject object) {
		if (object.schema() == null) {
			return !("SCHEMA".equals(object.kind()) && this.schemas.contains(object.tag()));
		}
		if (this.schemas.contains(object.schema())) {
			return false;
		}
		if (OF_A_TABLE.contains(object.kind())) {
			return this.relations.stream()
				.noneMatch((table) -> table.schema().equals(object.schema())
						&& (object.tag().startsWith(table.name() + " ") || object.tag().equals(table.name())));
		}
		if (Set.of("FUNCTION", "PROCEDURE", "AGGREGATE").contains(object.kind())) {
			return !this.routines.contains(new QualifiedName(object.schema(), bareRoutineName(object.tag())));
		}
		return !this.relations.contains(new QualifiedName(object.schema(), object.tag()));
	}

	/** Whether the run creates this table (the plan does not leave it out). */
	public boolean keepsTable(QualifiedName table) {
		return !this.schemas.contains(table.schema()) && !this.relations.contains(table);
	}

	private static String bareRoutineName(String name) {
		int paren = name.indexOf('(');
		return (paren < 0) ? name : name.substring(0, paren);
	}

	/** The names of {@code tables} the run creates. */
	public List<QualifiedName> kept(java.util.Collection<QualifiedName> tables) {
		return tables.stream().filter(this::keepsTable).toList();
	}

}
