package io.pgcopydb.job.clone;

import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.pg.ServerVersion;
import io.pgcopydb.schema.PgTools;
import io.pgcopydb.schema.SchemaArchives;

/**
 * A validated clone request, built by the command line and given to the job's context. It
 * holds the connection strings with their secrets, so it never goes into job parameters:
 * those carry only the redacted identity.
 *
 * @param snapshot a snapshot to adopt ({@code --snapshot}), or null to export one
 */
public record CloneRequest(PgEndpoint source, PgEndpoint target, WorkDirectory workDirectory, int tableJobs,
		int indexJobs, int restoreJobs, boolean skipLargeObjects, boolean skipVacuum, boolean dropIfExists,
		boolean noOwner, boolean noAcl, boolean noComments, String snapshot, PgTools pgTools,
		ServerVersion sourceVersion, ServerVersion targetVersion) {

	public boolean sameMajorVersion() {
		return this.sourceVersion.major() == this.targetVersion.major();
	}

	public PgEndpoint endpoint(Side side) {
		return (side == Side.SOURCE) ? this.source : this.target;
	}

	/** pg_restore switches for a schema section; {@code clean} drops objects first. */
	public SchemaArchives.RestoreOptions restoreOptions(boolean clean) {
		return new SchemaArchives.RestoreOptions(this.restoreJobs, clean, this.noOwner, this.noAcl, this.noComments);
	}

}
