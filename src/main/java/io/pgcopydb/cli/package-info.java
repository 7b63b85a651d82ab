/**
 * The command line: one command class per pgcopydb verb family. A command parses and
 * validates its options, builds a typed request, launches a job and returns an exit code;
 * it logs the one error line a user reads. No SQL here, and nothing outside this package
 * imports it (but {@code Application}).
 */
package io.pgcopydb.cli;
