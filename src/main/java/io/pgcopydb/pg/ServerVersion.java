package io.pgcopydb.pg;

/**
 * A PostgreSQL server version as {@code server_version_num} gives it (e.g. 150018).
 */
public record ServerVersion(int number) {

	public int major() {
		return this.number / 10000;
	}

	@Override
	public String toString() {
		return this.major() + "." + (this.number % 10000);
	}

}
