/**
 * What belongs to a database and its cluster beyond the schema pg_dump writes: database
 * properties (settings, comment, privileges), roles, extensions with their configuration
 * rows, collations. Each class reads the source and writes the target through sessions
 * its caller opens; catalog SQL lives in {@code classpath:sql/}. No job wiring here.
 */
package io.pgcopydb.database;
