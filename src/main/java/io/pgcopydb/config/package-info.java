/**
 * Connection strings (libpq URI and key=value forms, password resolution, redaction), the
 * two endpoints of a copy, the work directory layout and the bound configuration
 * properties. A password leaves this package only inside JDBC properties or a child
 * process's environment.
 */
package io.pgcopydb.config;
