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
import io.pgcopydb.catalog.SourceTable;
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
 * the archive. Also left out, and listed in a warning, are the entries of a source table
 * the target no longer has (a partition merged into its parent after restore pre-data):
 * its indexes, their INDEX ATTACH, its constraints, triggers, rules, policies and their
 * comments. One left in would fail the whole single-transaction restore.
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
			List<SourceTable> plannedTables, SchemaArchives.RestoreOptions options) {
		requireArchive(dir.postDataArchive(), dir);
		Set<TableObject> onTarget = indexesAndConstraints(target);
		Gone gone = Gone.of(plannedTables, targetTables(target));
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
		List<String> leftOut = new ArrayList<>();
		dir.write(dir.postDataList(), toc.useList((entry) -> {
			boolean built = isBuilt(entry, builtIndexes, builtConstraints);
			if (built) {
				skipped[0]++;
				return false;
			}
			if (gone.owns(entry)) {
				leftOut.add(entry.desc() + " " + entry.schema() + " " + entry.name());
				return false;
			}
			return true;
		}));
		if (!leftOut.isEmpty()) {
			logger.warn("Left out {} post-data entries of tables the target no longer has: {}", leftOut.size(),
					String.join(", ", leftOut));
		}
		this.archives.restore(target, dir.postDataArchive(), dir.postDataList(), options, dir.pgRestoreLog());
		return new PostData(toc.entries().size() - skipped[0] - leftOut.size(), skipped[0], leftOut);
	}

	/**
	 * What a post-data restore did: entries restored, entries the copy had built, entries
	 * of tables the target no longer has ("desc schema tag").
	 */
	public record PostData(int restored, int alreadyBuilt, List<String> leftOut) {
	}

	/**
	 * The source tables the target no longer has, and their indexes: the post-data
	 * entries that belong to them are left out. An entry tagged "table name" (constraint,
	 * trigger, rule, policy) belongs to the longest table name that starts its tag, among
	 * the tables of its schema on either side, so a table whose name starts another's is
	 * not mistaken for it.
	 */
	record Gone(Set<QualifiedName> tables, Set<QualifiedName> indexes, Set<QualifiedName> kept) {

		static Gone of(List<SourceTable> planned, Set<QualifiedName> onTarget) {
			Set<QualifiedName> tables = new HashSet<>();
			Set<QualifiedName> indexes = new HashSet<>();
			for (SourceTable table : planned) {
				QualifiedName name = new QualifiedName(table.schema(), table.name());
				if (!onTarget.contains(name)) {
					tables.add(name);
					table.indexNames().forEach((index) -> indexes.add(new QualifiedName(table.schema(), index)));
				}
			}
			return new Gone(tables, indexes, onTarget);
		}

		boolean owns(TocEntry entry) {
			if (this.tables.isEmpty() || entry.schema() == null) {
				return false;
			}
			String tag = entry.name();
			return switch (entry.desc()) {
				case "INDEX", "INDEX ATTACH" -> this.indexes.contains(new QualifiedName(entry.schema(), tag));
				case "CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT", "TRIGGER", "RULE", "POLICY" ->
					gone(entry.schema(), tag, (table) -> tag.startsWith(table + " "));
				case "ROW SECURITY" -> this.tables.contains(new QualifiedName(entry.schema(), tag));
				case "COMMENT" -> tag.startsWith("INDEX ")
						? this.indexes.contains(new QualifiedName(entry.schema(), tag.substring("INDEX ".length())))
						: gone(entry.schema(), tag, (table) -> tag.endsWith(" ON " + table));
				default -> false;
			};
		}

		/**
		 * The longest table of {@code schema} that {@code matches} is one of the gone.
		 */
		private boolean gone(String schema, String tag, java.util.function.Predicate<String> matches) {
			QualifiedName best = null;
			for (Set<QualifiedName> side : List.of(this.tables, this.kept)) {
				for (QualifiedName table : side) {
					if (table.schema().equals(schema) && matches.test(table.name())
							&& (best == null || table.name().length() > best.name().length())) {
						best = table;
					}
				}
			}
			return best != null && this.tables.contains(best);
		}

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

	private static Set<QualifiedName> targetTables(PgEndpoint target) {
		try (Connection session = target.connect("post-data check")) {
			return new HashSet<>(new TargetCatalog(session).tables());
		}
		catch (SQLException ex) {
			throw target.failure("listing the tables of the target", ex);
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
