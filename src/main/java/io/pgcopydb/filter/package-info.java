/**
 * Filters: pgcopydb's {@code --filters} INI file parsed and matched against names
 * ({@link io.pgcopydb.filter.Filters}), and the dependency-aware outcome over a source
 * catalog's objects and their dependencies ({@link io.pgcopydb.filter.FilterPlanner},
 * {@link io.pgcopydb.filter.FilterPlan}). Pure: no JDBC, no files but the filter file;
 * the catalog package reads the objects and dependencies, the job applies the outcome.
 */
package io.pgcopydb.filter;
