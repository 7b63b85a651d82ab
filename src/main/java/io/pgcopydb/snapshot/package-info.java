/**
 * The source snapshot, everything about it in one place: exporting and importing it
 * ({@link io.pgcopydb.snapshot.SourceSnapshot}), the --dir publication protocol between a
 * {@code pgcopydb snapshot} process and the commands that use its snapshot
 * ({@link io.pgcopydb.snapshot.SnapshotPublication}), the holder itself
 * ({@link io.pgcopydb.snapshot.SnapshotHolder}), and the snapshot a run reads in
 * ({@link io.pgcopydb.snapshot.RunSnapshot}), taken from one of three
 * {@link io.pgcopydb.snapshot.SnapshotSource sources}: exported, held, or given. No job
 * wiring here: the clone job, a streaming job or a remote worker use it alike.
 */
package io.pgcopydb.snapshot;
