package io.pgcopydb.filter;

/**
 * {@code dependent} needs {@code referenced}: a pg_depend row (sub-objects folded), or a
 * pg_inherits one.
 *
 * @param type pg_depend's deptype: {@code n} normal, {@code a} auto, {@code i} internal
 * (dependent is part of referenced, e.g. a relation's row type), {@code P}/{@code S}
 * partition dependencies, {@code e} extension membership; and from pg_inherits: {@code h}
 * dependent is a partition of referenced, {@code H} dependent inherits from referenced
 */
public record Dependency(ObjectId dependent, ObjectId referenced, char type) {

	public static final char PARTITION_OF = 'h';

	public static final char INHERITS = 'H';

}
