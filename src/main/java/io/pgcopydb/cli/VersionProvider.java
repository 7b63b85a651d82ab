package io.pgcopydb.cli;

import picocli.CommandLine;

/** The version from the jar manifest (set by the build). */
final class VersionProvider implements CommandLine.IVersionProvider {

	@Override
	public String[] getVersion() {
		String version = PgCopyDbCommand.class.getPackage().getImplementationVersion();
		return new String[] { "pgcopydb " + ((version != null) ? version : "development build")
				+ " (Spring Batch, Java " + Runtime.version().feature() + ")" };
	}

}
