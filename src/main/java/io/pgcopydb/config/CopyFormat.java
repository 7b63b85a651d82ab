package io.pgcopydb.config;

/**
 * The COPY data format of a table. Binary spares both servers the text output and parsing
 * of every value (a third less time on numeric and timestamp columns), but a binary value
 * is read as whatever type the target column has: an int4 read as float4 would be silent
 * corruption, and binary formats may differ between major versions. {@link #AUTO}
 * therefore uses binary only where that cannot happen (decided per table by
 * {@code TableCopier.useBinary}).
 */
public enum CopyFormat {

	/**
	 * Binary when both servers run the same major version, every copied column has a
	 * built-in type, and the target's column types are exactly the source's; else text.
	 */
	AUTO,

	/** Always text, as pg_dump and pgcopydb do. */
	TEXT,

	/** Always binary: only for identical schemas on the same major version. */
	BINARY

}
