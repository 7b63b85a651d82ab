/**
 * The clone job: its configuration, its tasklets (one per pgcopydb step) and the work
 * plan it stores in the repository. Tasklets hold no database logic of their own: they
 * read the plan, call the catalog, schema and copy packages, and record counts.
 */
package io.pgcopydb.job.clone;
