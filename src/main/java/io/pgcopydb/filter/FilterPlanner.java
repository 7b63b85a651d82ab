package io.pgcopydb.filter;

import java.util.List;

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
 * <li>extensions are the target's business once left out: their members are never left
 * out, and nothing is left out for using them ({@code e} dependencies do not propagate);
 * <li>a sequence owned by a left-out table (its {@code a} dependency on the table) is
 * left out only when no kept object uses it; otherwise it is kept without OWNED BY, with
 * a warning ({@link FilterPlan#unownedSequences()});
 * <li>[exclude-table-data] (partitions included) marks kept tables whose rows stay
 * behind; a kept foreign key from a table whose rows are copied into such a table is
 * created NOT VALID ({@link FilterPlan#notValidForeignKeys()}), unless its table is
 * partitioned and the target refuses NOT VALID there: then it is left out with a warning
 * naming it;
 * <li>entries that matched nothing are reported ({@link FilterPlan#unmatched()}).
 * </ol>
 */
public final class FilterPlanner {

	private FilterPlanner() {
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
		throw new UnsupportedOperationException("filter: in progress");
	}

}
