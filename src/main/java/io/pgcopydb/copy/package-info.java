/**
 * Data movement: table rows by streamed COPY, sequence values, large objects, and the
 * VACUUM ANALYZE of a copied table. Each class states what a retry may repeat. No job
 * wiring and no catalog planning here.
 */
package io.pgcopydb.copy;
