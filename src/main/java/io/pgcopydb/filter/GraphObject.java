package io.pgcopydb.filter;

/**
 * One object of the source database that a filter may leave out, directly or through a
 * dependency.
 *
 * @param id its identity
 * @param kind what it is, in words a user reads: {@code schema}, {@code extension},
 * {@code table}, {@code partitioned table}, {@code foreign table}, {@code view},
 * {@code materialized view}, {@code sequence}, {@code index}, {@code constraint},
 * {@code foreign key}, {@code trigger}, {@code rule}, {@code policy}, {@code function},
 * {@code type}, {@code statistics}, {@code publication table}, {@code default}... (see
 * the constants)
 * @param schema its schema, or null (schemas, extensions, objects without one)
 * @param name its name within the schema (for a schema or an extension: its name)
 * @param table the relation it belongs to (an index, constraint, trigger, rule, policy,
 * statistics object, publication membership or default: its table), or null
 * @param partOf the object whose definition includes this one, or null: a view's
 * {@code _RETURN} rule, a table's column default or CHECK constraint, a relation's row
 * type. When a part is left out, its whole is too: nothing is half-created
 * @param references for a foreign key, the table it references; else null
 * @param definition for a foreign key, {@code pg_get_constraintdef} (to create it NOT
 * VALID); else null
 * @param extensionMember a member of an extension: created by CREATE EXTENSION, never
 * left out on its own
 * @param description how PostgreSQL describes it ({@code pg_describe_object}), for
 * messages
 */
public record GraphObject(ObjectId id, String kind, String schema, String name, ObjectId table, ObjectId partOf,
		ObjectId references, String definition, boolean extensionMember, String description) {

	public static final String SCHEMA = "schema";

	public static final String EXTENSION = "extension";

	public static final String TABLE = "table";

	public static final String PARTITIONED_TABLE = "partitioned table";

	public static final String FOREIGN_TABLE = "foreign table";

	public static final String VIEW = "view";

	public static final String MATERIALIZED_VIEW = "materialized view";

	public static final String SEQUENCE = "sequence";

	public static final String INDEX = "index";

	public static final String FOREIGN_KEY = "foreign key";

	/**
	 * PRIMARY KEY, UNIQUE, EXCLUDE, CHECK, NOT NULL, constraint triggers, domain checks.
	 */
	public static final String CONSTRAINT = "constraint";

	public static final String TRIGGER = "trigger";

	public static final String RULE = "rule";

	public static final String POLICY = "policy";

	public static final String FUNCTION = "function";

	public static final String PROCEDURE = "procedure";

	public static final String AGGREGATE = "aggregate";

	/** A composite, enum, range, base type, or a relation's row or array type. */
	public static final String TYPE = "type";

	public static final String DOMAIN = "domain";

	public static final String STATISTICS = "statistics";

	public static final String PUBLICATION_TABLE = "publication table";

	/** A publication's FOR TABLES IN SCHEMA membership (PostgreSQL 15 and later). */
	public static final String PUBLICATION_SCHEMA = "publication schema";

	/** A column default (pg_attrdef). */
	public static final String DEFAULT = "default";

	public static final String TOAST_TABLE = "toast table";

	/**
	 * Also read, so that they follow their schema: {@code text search configuration},
	 * {@code operator}, {@code operator class}, {@code default privileges}... (see
	 * list_filter_objects.sql).
	 */
	public static final String COLLATION = "collation";

	/**
	 * A relation that holds rows: a table section's include-only leaves out the others.
	 */
	public boolean holdsRows() {
		return TABLE.equals(this.kind) || PARTITIONED_TABLE.equals(this.kind) || FOREIGN_TABLE.equals(this.kind);
	}

	/** A relation that a table section's entry may name. */
	public boolean isRelation() {
		return holdsRows() || VIEW.equals(this.kind) || MATERIALIZED_VIEW.equals(this.kind);
	}

}
