package io.pgcopydb.filter;

import io.pgcopydb.pg.Identifiers;

/**
 * Why an object follows a left-out one, in the words a DBA reads in {@code list tables
 * --list-skipped}: {@code reads table app.customer}, {@code foreign key into table
 * app.customer}, {@code column typed by table app.customer}. The cause is the object a
 * person recognises: a row type's relation rather than the type.
 */
final class Reasons {

	private Reasons() {
	}

	/** What {@code dependent} needs in {@code referenced}, and who to blame for it. */
	record Reason(ObjectId cause, String text) {
	}

	static Reason of(ObjectGraph graph, GraphObject dependent, GraphObject referenced, char type) {
		String kind = referenced.kind();
		GraphObject whole = (referenced.partOf() != null) ? graph.get(referenced.partOf()) : null;
		if (type == Dependency.PARTITION_OF || type == 'P') {
			return new Reason(referenced.id(), "partition of " + ObjectGraph.describe(referenced));
		}
		if (type == Dependency.INHERITS) {
			return new Reason(referenced.id(), "inherits from " + ObjectGraph.describe(referenced));
		}
		if (GraphObject.SCHEMA.equals(kind)) {
			String verb = GraphObject.PUBLICATION_SCHEMA.equals(dependent.kind()) ? "publishes schema " : "in schema ";
			return new Reason(referenced.id(), verb + Identifiers.display(referenced.name()));
		}
		if (GraphObject.TYPE.equals(kind) && whole != null && whole.isRelation()) {
			String text = (dependent.isRelation() ? "column typed by " : "uses the row type of ")
					+ ObjectGraph.describe(whole);
			return new Reason(whole.id(), text);
		}
		if (referenced.id().equals(dependent.partOf()) || type == 'i') {
			return new Reason(referenced.id(), "part of " + ObjectGraph.describe(referenced));
		}
		return new Reason(referenced.id(), verb(dependent, referenced) + ObjectGraph.describe(referenced));
	}

	private static String verb(GraphObject dependent, GraphObject referenced) {
		if (GraphObject.FOREIGN_KEY.equals(dependent.kind())) {
			return referenced.id().equals(dependent.references()) ? "foreign key into "
					: referenced.id().equals(dependent.table()) ? "on " : "foreign key using ";
		}
		if (referenced.id().equals(dependent.table())) {
			return "on ";
		}
		if (GraphObject.SEQUENCE.equals(referenced.kind()) || GraphObject.TYPE.equals(referenced.kind())
				|| GraphObject.DOMAIN.equals(referenced.kind()) || GraphObject.COLLATION.equals(referenced.kind())) {
			return "uses ";
		}
		if (referenced.isRelation()) {
			return "reads ";
		}
		if (GraphObject.FUNCTION.equals(referenced.kind())) {
			return "calls ";
		}
		return "depends on ";
	}

	/** A whole left out because its part is: the part's own reason when it has one. */
	static Reason ofPart(FilterPlan.Skip part) {
		if (part.cause() != null) {
			return new Reason(part.cause(), part.reason());
		}
		return new Reason(part.object().id(), "its " + ObjectGraph.describe(part.object()) + " is left out");
	}

}
