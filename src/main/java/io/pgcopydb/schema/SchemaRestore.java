package io.pgcopydb.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.TargetCatalog;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.catalog.TargetCatalog.TableObject;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.pg.Identifiers;

/**
 * Restores the two schema sections dumped in --dir on the target, each through a
 * {@code --use-list} written next to its archive:
 * <ul>
 * <li>pre-data whole; with {@code clean}, the archive's objects are dropped first
 * (pg_restore --clean --if-exists), after the foreign keys that would make DROP TABLE
 * refuse (pre-data holds none of them);
 * <li>post-data without the planned indexes and constraints the target already has (the
 * copy built them), matched by OID in their own catalog; those it lacks are restored from
 * the archive.
 * </ul>
 * Archive entries this program cannot parse are restored as they are, with a warning.
 */
public final class SchemaRestore {

	private static final Logger logger = LoggerFactory.getLogger(SchemaRestore.class);

	private final SchemaArchives archives;

	public SchemaRestore(SchemaArchives archives) {
		this.archives = archives;
	}

	/**
	 * Restores the pre-data section.
	 * @param plannedTables the run's tables: foreign keys touching them are dropped
	 * before a clean restore
	 * @param filter the entries to restore
	 * @return the number of archive entries restored
	 */
	public int preData(PgEndpoint target, WorkDirectory dir, Set<QualifiedName> plannedTables,
			SchemaArchives.RestoreOptions options, PreDataFilter filter) {
		requireArchive(dir.preDataArchive(), dir);
		if (options.clean()) {
			dropForeignKeys(target, plannedTables);
		}
		ArchiveToc toc = this.archives.list(dir.preDataArchive(), dir.pgRestoreLog());
		warnUnparsed(toc, dir.preDataArchive());
		int[] left = { 0 };
		dir.write(dir.preDataList(), toc.useList((entry) -> {
			boolean keep = filter.test(entry);
			if (!keep) {
				logger.info("Pre-data: leaving out {} {} (the target has it, or an option leaves it out)", entry.desc(),
						entry.name());
				left[0]++;
			}
			return keep;
		}));
		this.archives.restore(target, dir.preDataArchive(), dir.preDataList(), options, dir.pgRestoreLog());
		return toc.entries().size() - left[0];
	}

	/**
	 * Restores the post-data section but for what the target already has of
	 * {@code planned}.
	 * @return the entries restored and those skipped as already built
	 */
	public PostData postData(PgEndpoint target, WorkDirectory dir, List<SourceIndex> planned,
			SchemaArchives.RestoreOptions options) {
		requireArchive(dir.postDataArchive(), dir);
		Set<TableObject> onTarget = indexesAndConstraints(target);
		Set<Long> builtIndexes = new HashSet<>();
		Set<Long> builtConstraints = new HashSet<>();
		for (SourceIndex index : planned) {
			QualifiedName table = new QualifiedName(index.schema(), index.tableName());
			if (index.backsConstraint()) {
				if (onTarget.contains(new TableObject(TableObject.Kind.CONSTRAINT, table, index.constraintName()))) {
					builtConstraints.add(index.constraintOid());
				}
			}
			else if (onTarget.contains(new TableObject(TableObject.Kind.INDEX, table, index.name()))) {
				builtIndexes.add(index.oid());
			}
		}
		ArchiveToc toc = this.archives.list(dir.postDataArchive(), dir.pgRestoreLog());
		warnUnparsed(toc, dir.postDataArchive());
		int[] skipped = { 0 };
		dir.write(dir.postDataList(), toc.useList((entry) -> {
			boolean built = isBuilt(entry, builtIndexes, builtConstraints);
			if (built) {
				skipped[0]++;
			}
			return !built;
		}));
		this.archives.restore(target, dir.postDataArchive(), dir.postDataList(), options, dir.pgRestoreLog());
		return new PostData(toc.entries().size() - skipped[0], skipped[0]);
	}

	/** What a post-data restore did: entries restored, entries the copy had built. */
	public record PostData(int restored, int alreadyBuilt) {
	}

	/** A restore command run before {@code dump schema} gets told so. */
	static void requireArchive(Path archive, WorkDirectory dir) {
		if (!Files.isRegularFile(archive)) {
			throw new BadStateException("no schema dump in --dir " + dir.root() + " (" + archive.getFileName()
					+ " is missing): run pgcopydb dump schema with this --dir first");
		}
	}

	/**
	 * Whether a post-data entry is an index or constraint the job built: matched by OID
	 * within its own catalog (pg_class and pg_constraint OIDs may coincide).
	 */
	static boolean isBuilt(TocEntry entry, Set<Long> builtIndexes, Set<Long> builtConstraints) {
		return switch (entry.desc()) {
			case "INDEX" -> builtIndexes.contains(entry.objectOid());
			case "CONSTRAINT" -> builtConstraints.contains(entry.objectOid());
			default -> false;
		};
	}

	/** Entries we could not read are restored as they are; an operator should know. */
	private static void warnUnparsed(ArchiveToc toc, Path archive) {
		for (String line : toc.unparsedLines()) {
			logger.warn("Unrecognized entry in the table of contents of {}, restored as is: {}", archive, line);
		}
	}

	private static Set<TableObject> indexesAndConstraints(PgEndpoint target) {
		try (Connection session = target.connect("post-data check")) {
			return new TargetCatalog(session).indexesAndConstraints();
		}
		catch (SQLException ex) {
			throw target.failure("listing the indexes and constraints of the target", ex);
		}
	}

	/** pre-data holds no foreign keys, so DROP TABLE would refuse while these exist. */
	private static void dropForeignKeys(PgEndpoint target, Set<QualifiedName> plannedTables) {
		try (Connection session = target.connect("drop foreign keys");
				Statement statement = session.createStatement()) {
			List<String> drops = new ArrayList<>();
			for (TargetCatalog.ForeignKey key : new TargetCatalog(session).foreignKeys()) {
				if (plannedTables.contains(key.table()) || plannedTables.contains(key.referenced())) {
					drops.add("ALTER TABLE " + Identifiers.qualified(key.table().schema(), key.table().name())
							+ " DROP CONSTRAINT IF EXISTS " + Identifiers.quote(key.name()));
				}
			}
			for (String drop : drops) {
				statement.execute(drop);
			}
			if (!drops.isEmpty()) {
				logger.info("Dropped {} foreign keys on the target before dropping its tables", drops.size());
			}
		}
		catch (SQLException ex) {
			throw target.failure("dropping foreign keys on the target", ex);
		}
	}

}
