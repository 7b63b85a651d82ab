package io.pgcopydb.cdc.receive;

import java.time.Instant;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.Plugin;

/**
 * What {@code stream setup} created for a --dir, kept in its repository (table
 * {@code PGCOPYDB_STREAM}): cleanup drops exactly that, and a resume refuses another
 * source (system identifier) or a missing slot. No password: the identities are
 * {@code user@host:port/dbname}.
 *
 * @param publication the full publication, null for the text plugins
 * @param insertOnlyPublication the insert-only publication, null when none
 * @param systemIdentifier the source cluster's {@code pg_control_system()} identifier
 * @param consistentPoint where the slot's stream starts
 * @param snapshotName the snapshot exported with the slot (dead once setup's process
 * ended)
 */
public record StreamRecord(Plugin plugin, String slot, String publication, String insertOnlyPublication, String origin,
		String systemIdentifier, String sourceIdentity, String targetIdentity, Lsn consistentPoint, String snapshotName,
		Instant created) {

	/** The names recorded, as {@link StreamNames}. */
	public StreamNames names() {
		return new StreamNames(this.slot, (this.publication != null) ? this.publication : this.slot, this.origin);
	}

}
