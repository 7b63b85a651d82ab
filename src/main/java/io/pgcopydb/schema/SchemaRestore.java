package io.pgcopydb.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SchemaObjects;
import io.pgcopydb.catalog.SourceForeignKey;
import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.catalog.TargetCatalog;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.catalog.TargetCatalog.TableObject;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.pg.Identifiers;
import io.pgcopydb.pg.SqlStates;

/**
 * Restores the two schema sections dumped in --dir on the target, each through a
 * {@code --use-list} written next to its archive, entry by entry rather than in one
 * transaction (one transaction over thousands of tables runs out of lock slots):
 * <ul>
 * <li>only the entries whose object the target lacks are restored
 * ({@link TargetPresence}, {@link EntrySelection}), and recorded beforehand as the run's
 * own ({@link RestoreRecord}), so that a retried restore, or one after a kill that came
 * after pg_restore's commit but before the run recorded it, restores what is missing and
 * nothing twice, and never drops what the run did not create. An object of the same
 * identity and another kind or definition is refused before anything is restored (exit
 * 3);
 * <li>with {@code clean} (--drop-if-exists only), pre-data is restored whole, the
 * archive's objects dropped first (pg_restore --clean --if-exists), after the foreign
 * keys that would make DROP TABLE refuse (pre-data holds none of them);
 * <li>post-data leaves out the planned indexes and constraints the target already has
 * (the copy built them), matched by OID in their own catalog; those it lacks are restored
 * from the archive. Also left out, and listed in a warning, are the entries of a source
 * table the target no longer has (a partition merged into its parent after restore
 * pre-data): its indexes, their INDEX ATTACH, its constraints, triggers, rules, policies
 * and their comments.
 * </ul>
 * Archive entries this program cannot parse are restored as they are, with a warning.
 */
public final class SchemaRestore {

	private static final Logger logger = LoggerFactory.getLogger(SchemaRestore.class);

	/** The remedy's end when a restore step finds a clash: the run is recorded. */
	private static final String RESUME = "run the command again with --resume";

	private final SchemaArchives archives;

	public SchemaRestore(SchemaArchives archives) {
		this.archives = archives;
	}

	/**
	 * Restores the pre-data section: the entries {@code filter} keeps whose object the
	 * target lacks (all of them with {@code options.clean()}). Clashes in either section
	 * are refused first.
	 * @param plannedTables the run's tables: their columns are compared with a table the
	 * target already has; with clean, foreign keys touching them are dropped first
	 * @param filter the entries to restore
	 * @return the entries restored and those the target already had
	 */
	public Restored preData(PgEndpoint target, WorkDirectory dir, List<SourceTable> plannedTables,
			SchemaArchives.RestoreOptions options, PreDataFilter filter) {
		return preData(target, dir, plannedTables, options, filter, FilterPlan.NONE);
	}

	/**
	 * As
	 * {@link #preData(PgEndpoint, WorkDirectory, List, SchemaArchives.RestoreOptions, PreDataFilter)},
	 * leaving out what the run's filters leave out ({@link ArchiveFilter}), also from the
	 * clash checks.
	 */
	public Restored preData(PgEndpoint target, WorkDirectory dir, List<SourceTable> plannedTables,
			SchemaArchives.RestoreOptions options, PreDataFilter filter, FilterPlan plan) {
		requireArchive(dir.preDataArchive(), dir);
		ArchiveToc toc = this.archives.list(dir.preDataArchive(), dir.pgRestoreLog());
		warnUnparsed(toc, dir.preDataArchive());
		ArchiveToc postToc = Files.isRegularFile(dir.postDataArchive()) ? postDataListing(dir, toc) : null;
		ArchiveFilter filtered = ArchiveFilter.of(plan, java.util.Arrays.asList(toc, postToc));
		logLeftOut("Pre-data", filtered, toc);
		Predicate<TocEntry> eligible = (entry) -> {
			if (!filtered.keeps(entry)) {
				return false;
			}
			boolean keep = filter.test(entry);
			if (!keep) {
				logger.info("Pre-data: leaving out {} {} (the target has it, or an option leaves it out)", entry.desc(),
						entry.name());
			}
			return keep;
		};
		if (options.clean()) {
			dropForeignKeys(target, names(plannedTables));
			int[] kept = { 0 };
			dir.write(dir.preDataList(), toc.useList((entry) -> eligible.test(entry) && ++kept[0] > 0));
			this.archives.restore(target, dir.preDataArchive(), dir.preDataList(), options, dir.pgRestoreLog());
			return new Restored(kept[0], 0);
		}
		TargetPresence presence = presence(target, options.noOwner());
		Map<QualifiedName, String> columns = columns(plannedTables);
		EntrySelection selection = EntrySelection.select("Pre-data", toc.entries(), eligible, presence,
				RestoreRecord.read(dir.preDataRecord()), columns);
		List<String> clashes = new ArrayList<>(selection.clashes());
		if (postToc != null) {
			clashes.addAll(
					EntrySelection
						.select(null, postToc.entries(), filtered::keeps, presence,
								RestoreRecord.read(dir.postDataRecord()), columns)
						.clashes());
		}
		EntrySelection.refuseClashes(clashes, RESUME);
		run(target, dir, toc, selection, dir.preDataArchive(), dir.preDataList(), dir.preDataRecord(), options);
		return new Restored(selection.restored(), selection.present());
	}

	/**
	 * What a restore did: entries restored (re-runnable ones included), entries left out
	 * since the target had their object.
	 */
	public record Restored(int restored, int present) {
	}

	/**
	 * The clashes between the target and the run's archives (both sections), for a check
	 * before the run's first restore: each one "the target already has view
	 * public.film_list where the source has a table".
	 * @param filter the pre-data entries that would be restored
	 */
	public List<String> clashes(PgEndpoint target, WorkDirectory dir, List<SourceTable> plannedTables,
			PreDataFilter filter, boolean noOwner) {
		return clashes(target, dir, plannedTables, filter, noOwner, FilterPlan.NONE);
	}

	/** As above, ignoring what the run's filters leave out. */
	public List<String> clashes(PgEndpoint target, WorkDirectory dir, List<SourceTable> plannedTables,
			PreDataFilter filter, boolean noOwner, FilterPlan plan) {
		TargetPresence presence = presence(target, noOwner);
		Map<QualifiedName, String> columns = columns(plannedTables);
		ArchiveToc preToc = Files.isRegularFile(dir.preDataArchive())
				? this.archives.list(dir.preDataArchive(), dir.pgRestoreLog()) : null;
		ArchiveToc postToc = Files.isRegularFile(dir.postDataArchive()) ? postDataListing(dir, preToc) : null;
		ArchiveFilter filtered = ArchiveFilter.of(plan, java.util.Arrays.asList(preToc, postToc));
		List<String> clashes = new ArrayList<>();
		if (preToc != null) {
			clashes.addAll(
					EntrySelection
						.select(null, preToc.entries(), (entry) -> filtered.keeps(entry) && filter.test(entry),
								presence, RestoreRecord.read(dir.preDataRecord()), columns)
						.clashes());
		}
		if (postToc != null) {
			clashes.addAll(
					EntrySelection
						.select(null, postToc.entries(), filtered::keeps, presence,
								RestoreRecord.read(dir.postDataRecord()), columns)
						.clashes());
		}
		return clashes;
	}

	/**
	 * The run's archive filter over both archives of --dir (those present), for
	 * {@code restore parse-list} and the restores.
	 */
	public ArchiveFilter archiveFilter(WorkDirectory dir, FilterPlan plan) {
		ArchiveToc preToc = Files.isRegularFile(dir.preDataArchive())
				? this.archives.list(dir.preDataArchive(), dir.pgRestoreLog()) : null;
		ArchiveToc postToc = Files.isRegularFile(dir.postDataArchive()) ? postDataListing(dir, preToc) : null;
		return ArchiveFilter.of(plan, java.util.Arrays.asList(preToc, postToc));
	}

	private static void logLeftOut(String section, ArchiveFilter filtered, ArchiveToc toc) {
		if (!filtered.isEmpty()) {
			logger.info("{}: the filters leave out {} of {} archive entries", section, filtered.leftOut(toc),
					toc.entries().size());
		}
	}

	/**
	 * Refuses clashes found before the run's first restore: nothing is recorded yet, so
	 * the user simply runs the command again.
	 */
	public static void refuseClashes(List<String> clashes) {
		EntrySelection.refuseClashes(clashes, "run the command again");
	}

	/**
	 * Restores the post-data section but for what the target already has: the planned
	 * indexes and constraints the copy built, and every object present (created by an
	 * earlier attempt of the run, or identical).
	 * @return the entries restored, skipped as already built or present, and left out
	 */
	public PostData postData(PgEndpoint target, WorkDirectory dir, List<SourceIndex> planned,
			List<SourceTable> plannedTables, SchemaArchives.RestoreOptions options) {
		return postData(target, dir, planned, plannedTables, List.of(), options, FilterPlan.NONE);
	}

	/**
	 * As above, leaving out what the run's filters leave out ({@link ArchiveFilter}), and
	 * creating first, NOT VALID, the foreign keys the filter plan says so (they stay NOT
	 * VALID) and those of {@code foreignKeys} that are
	 * {@link SourceForeignKey#validatedApart() validated apart}: those are validated once
	 * the rest of the section is restored, several at once ({@code options.jobs()}),
	 * largest table first.
	 */
	public PostData postData(PgEndpoint target, WorkDirectory dir, List<SourceIndex> planned,
			List<SourceTable> plannedTables, List<SourceForeignKey> foreignKeys, SchemaArchives.RestoreOptions options,
			FilterPlan plan) {
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
		ArchiveToc preToc = Files.isRegularFile(dir.preDataArchive())
				? this.archives.list(dir.preDataArchive(), dir.pgRestoreLog()) : null;
		ArchiveToc toc = postDataListing(dir, preToc);
		warnUnparsed(toc, dir.postDataArchive());
		ArchiveFilter filtered = ArchiveFilter.of(plan, java.util.Arrays.asList(preToc, toc));
		logLeftOut("Post-data", filtered, toc);
		int[] skipped = { 0 };
		List<String> leftOut = new ArrayList<>();
		Map<String, Boolean> targetTables = tableKinds(target);
		List<SourceForeignKey> apart = ownKeys(toc, foreignKeys, filtered, gone, targetTables, false);
		// pg_dump writes a plain table's key ALTER TABLE ONLY, which a table the target
		// partitioned refuses: the run adds those keys itself, after the restore
		List<SourceForeignKey> onPartitioned = ownKeys(toc, foreignKeys, filtered, gone, targetTables, true);
		Set<Long> apartOids = new HashSet<>();
		apart.forEach((key) -> apartOids.add(key.oid()));
		onPartitioned.forEach((key) -> apartOids.add(key.oid()));
		List<ArchiveFilter.NotValidForeignKey> partitionedKeys = notValid(toc, onPartitioned);
		// a key whose referenced unique key only this restore creates (one on a
		// partitioned table) is created after it, and its comment then
		List<ArchiveFilter.NotValidForeignKey> deferred = createNotValid(target, filtered.notValidForeignKeys(),
				onTarget, false, false);
		List<ArchiveFilter.NotValidForeignKey> deferredApart = createNotValid(target, notValid(toc, apart), onTarget,
				false, true);
		List<ArchiveFilter.NotValidForeignKey> allDeferred = new ArrayList<>(deferred);
		allDeferred.addAll(deferredApart);
		allDeferred.addAll(partitionedKeys);
		Set<Integer> afterKeys = dependents(toc, allDeferred);
		Predicate<TocEntry> eligible = (entry) -> {
			if (!filtered.keeps(entry) || afterKeys.contains(entry.dumpId())) {
				return false;
			}
			if (isForeignKey(entry) && apartOids.contains(entry.objectOid())) {
				// created NOT VALID above, validated below
				skipped[0]++;
				return false;
			}
			if (isBuilt(entry, builtIndexes, builtConstraints)) {
				skipped[0]++;
				return false;
			}
			if (gone.owns(entry)) {
				leftOut.add(entry.desc() + " " + entry.schema() + " " + entry.name());
				return false;
			}
			return true;
		};
		EntrySelection selection = EntrySelection.select("Post-data", toc.entries(), eligible,
				presence(target, options.noOwner()), RestoreRecord.read(dir.postDataRecord()), columns(plannedTables));
		EntrySelection.refuseClashes(selection.clashes(), RESUME);
		if (!leftOut.isEmpty()) {
			logger.warn("Left out {} post-data entries of tables the target no longer has: {}", leftOut.size(),
					String.join(", ", leftOut));
		}
		run(target, dir, toc, selection, dir.postDataArchive(), dir.postDataList(), dir.postDataRecord(), options);
		int restored = selection.restored();
		if (!allDeferred.isEmpty()) {
			Set<TableObject> present = indexesAndConstraints(target);
			createNotValid(target, deferred, present, true, false);
			createNotValid(target, deferredApart, present, true, true);
			createOnPartitioned(target, partitionedKeys, present);
			EntrySelection after = EntrySelection.select("Post-data", toc.entries(),
					(entry) -> afterKeys.contains(entry.dumpId()) && filtered.keeps(entry),
					presence(target, options.noOwner()), RestoreRecord.read(dir.postDataRecord()),
					columns(plannedTables));
			run(target, dir, toc, after, dir.postDataArchive(), dir.postDataList(), dir.postDataRecord(), options);
			restored += after.restored();
		}
		try {
			ForeignKeyValidation.validate(target, apart, options.jobs());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new io.pgcopydb.error.StoppedException(
					"foreign key validations stopped on request; safe to resume: those left stay NOT VALID");
		}
		return new PostData(restored, skipped[0] + selection.present(), leftOut);
	}

	/**
	 * The foreign keys of {@code keys} the run creates itself rather than pg_restore:
	 * those valid on the source, on a plain source table, with an archive entry the
	 * filters keep, whose table the target has, in the order of {@code keys}. With
	 * {@code partitioned} false, those whose table is plain on the target too: created
	 * NOT VALID, then validated apart. With {@code partitioned} true, those whose table
	 * the target partitioned: added as they are (PostgreSQL 17 and older refuse NOT VALID
	 * there, and every version refuses pg_dump's ONLY).
	 * @param targetTables the target's tables, quoted and qualified, to whether each is
	 * partitioned
	 */
	static List<SourceForeignKey> ownKeys(ArchiveToc toc, List<SourceForeignKey> keys, ArchiveFilter filtered,
			Gone gone, Map<String, Boolean> targetTables, boolean partitioned) {
		Set<Long> entries = new HashSet<>();
		for (TocEntry entry : toc.entries()) {
			if (isForeignKey(entry) && filtered.keeps(entry) && !gone.owns(entry)) {
				entries.add(entry.objectOid());
			}
		}
		return keys.stream()
			.filter((key) -> key.validatedApart() && entries.contains(key.oid())
					&& Boolean.valueOf(partitioned)
						.equals(targetTables.get(Identifiers.qualified(key.schema(), key.table()))))
			.toList();
	}

	/** The target's tables, quoted and qualified, to whether each is partitioned. */
	private static Map<String, Boolean> tableKinds(PgEndpoint target) {
		try (Connection session = target.connect("post-data check")) {
			Map<String, Boolean> kinds = new HashMap<>();
			new TargetCatalog(session).relations().forEach((name, relation) -> kinds.put(name, relation.partitioned()));
			return kinds;
		}
		catch (SQLException ex) {
			throw target.failure("listing the tables of the target", ex);
		}
	}

	/**
	 * Adds the foreign keys of tables the target partitioned, valid at once, without ONLY
	 * (see {@link #ownKeys}), unless the target has them.
	 */
	private static void createOnPartitioned(PgEndpoint target, List<ArchiveFilter.NotValidForeignKey> keys,
			Set<TableObject> onTarget) {
		if (keys.isEmpty()) {
			return;
		}
		String doing = "adding the foreign keys of the tables the target partitioned";
		try (Connection session = target.connect("foreign keys of partitioned tables");
				Statement statement = session.createStatement()) {
			for (ArchiveFilter.NotValidForeignKey key : keys) {
				if (onTarget.contains(new TableObject(TableObject.Kind.CONSTRAINT,
						new QualifiedName(key.schema(), key.table()), key.name()))) {
					continue;
				}
				doing = "adding foreign key " + key.describe() + " to the table the target partitioned";
				statement.execute("ALTER TABLE " + Identifiers.qualified(key.schema(), key.table()) + " ADD CONSTRAINT "
						+ Identifiers.quote(key.name()) + " " + key.definition().strip());
				logger.info("Added foreign key {} to the partitioned table of the target", key.describe());
			}
		}
		catch (SQLException ex) {
			DatabaseException failure = target.failure(doing, ex);
			throw new DatabaseException(failure.exitCode(), failure.getMessage() + "; " + RESUME, ex.getSQLState(), ex);
		}
	}

	private static boolean isForeignKey(TocEntry entry) {
		return "FK CONSTRAINT".equals(entry.desc())
				&& (entry.catalogOid() == 0 || entry.catalogOid() == io.pgcopydb.filter.ObjectId.PG_CONSTRAINT);
	}

	/** The statements that create {@code keys} NOT VALID, each with its archive entry. */
	private static List<ArchiveFilter.NotValidForeignKey> notValid(ArchiveToc toc, List<SourceForeignKey> keys) {
		Map<Long, Integer> dumpIds = new HashMap<>();
		for (TocEntry entry : toc.entries()) {
			if (isForeignKey(entry)) {
				dumpIds.put(entry.objectOid(), entry.dumpId());
			}
		}
		return keys.stream()
			.map((key) -> new ArchiveFilter.NotValidForeignKey(key.schema(), key.table(), key.name(), key.definition(),
					dumpIds.get(key.oid())))
			.toList();
	}

	/**
	 * The entries that depend, directly or through one another, on the archive entries of
	 * {@code keys}: a foreign key's comment.
	 */
	static Set<Integer> dependents(ArchiveToc toc, List<ArchiveFilter.NotValidForeignKey> keys) {
		Set<Integer> found = new HashSet<>();
		keys.forEach((key) -> found.add(key.dumpId()));
		boolean grew = !found.isEmpty();
		while (grew) {
			grew = false;
			for (TocEntry entry : toc.entries()) {
				if (!found.contains(entry.dumpId()) && entry.dependsOn().stream().anyMatch(found::contains)) {
					grew |= found.add(entry.dumpId());
				}
			}
		}
		keys.forEach((key) -> found.remove(key.dumpId()));
		return found;
	}

	/**
	 * Records the entries about to create their object, then restores the selection. A
	 * selection that creates nothing says so: the section was done, by this run or a
	 * killed one.
	 */
	private void run(PgEndpoint target, WorkDirectory dir, ArchiveToc toc, EntrySelection selection, Path archive,
			Path useList, Path record, SchemaArchives.RestoreOptions options) {
		if (selection.created().isEmpty() && selection.present() > 0) {
			logger.info(
					"The target already has every object of {} ({} entries): re-applying only its {} comments,"
							+ " privileges and other re-runnable entries",
					archive.getFileName(), selection.present(), selection.restored());
		}
		Set<Integer> before = RestoreRecord.read(record);
		RestoreRecord.add(dir, record, selection.created());
		dir.write(useList, toc.useList(selection::restores));
		if (selection.restored() > 0) {
			try {
				this.archives.restore(target, archive, useList, options, dir.pgRestoreLog());
			}
			catch (RuntimeException ex) {
				narrowRecord(target, dir, toc, selection, record, before, options.noOwner(), ex);
				throw ex;
			}
		}
	}

	/**
	 * After a failed restore, keeps in the record only the entries it did create: what a
	 * DBA then makes of the others (the tutorial's remedy) is not the run's. A kill
	 * leaves the wider record, whose entries the target lacks are restored again anyway.
	 */
	private static void narrowRecord(PgEndpoint target, WorkDirectory dir, ArchiveToc toc, EntrySelection selection,
			Path record, Set<Integer> before, boolean noOwner, RuntimeException failure) {
		try {
			TargetPresence now = presence(target, noOwner);
			Set<Integer> kept = new HashSet<>(before);
			for (TocEntry entry : toc.entries()) {
				if (selection.created().contains(entry.dumpId())
						&& now.decide(EntrySelection.wanted(entry, Map.of()), true)
							.verdict() == TargetPresence.Verdict.OURS) {
					kept.add(entry.dumpId());
				}
			}
			RestoreRecord.replace(dir, record, kept);
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
		}
	}

	private static TargetPresence presence(PgEndpoint target, boolean noOwner) {
		try (Connection session = target.connect("schema objects")) {
			return new TargetPresence(SchemaObjects.read(session, true), noOwner);
		}
		catch (SQLException ex) {
			throw target.failure("listing the objects of the target", ex);
		}
	}

	private static Map<QualifiedName, String> columns(List<SourceTable> tables) {
		Map<QualifiedName, String> columns = new HashMap<>();
		for (SourceTable table : tables) {
			columns.put(new QualifiedName(table.schema(), table.name()), table.columnTypes());
		}
		return columns;
	}

	private static Set<QualifiedName> names(List<SourceTable> tables) {
		return columns(tables).keySet();
	}

	/**
	 * What a post-data restore did: entries restored, entries left out as the target had
	 * them (built by the copy, or present), entries of tables the target no longer has
	 * ("desc schema tag").
	 */
	public record PostData(int restored, int present, List<String> leftOut) {
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

	/**
	 * The post-data archive's listing, its schemas known from the pre-data archive's
	 * SCHEMA entries (a schema name may hold a space, which the listing does not quote).
	 * @param preToc the pre-data listing, null when there is none
	 */
	private ArchiveToc postDataListing(WorkDirectory dir, ArchiveToc preToc) {
		List<String> schemas = (preToc != null) ? preToc.entries()
			.stream()
			.filter((entry) -> "SCHEMA".equals(entry.desc()))
			.map(TocEntry::name)
			.toList() : List.of();
		return this.archives.list(dir.postDataArchive(), dir.pgRestoreLog(), schemas);
	}

	/**
	 * Creates the foreign keys the filters make NOT VALID, before the post-data restore
	 * (their comments are in it); one the target has (an earlier attempt created it) is
	 * not created again.
	 * @param last after the restore: every failure is one; before it, a key whose
	 * referenced table lacks the unique key it needs (the restore creates it) is returned
	 * to create after the restore
	 * @return the keys to create after the restore
	 */
	private static List<ArchiveFilter.NotValidForeignKey> createNotValid(PgEndpoint target,
			List<ArchiveFilter.NotValidForeignKey> keys, Set<TableObject> onTarget, boolean last, boolean validated) {
		String why = validated ? "validated next" : "its referenced table's rows are not copied";
		List<ArchiveFilter.NotValidForeignKey> deferred = new ArrayList<>();
		if (keys.isEmpty()) {
			return deferred;
		}
		int created = 0;
		try (Connection session = target.connect("foreign keys not valid");
				Statement statement = session.createStatement()) {
			for (ArchiveFilter.NotValidForeignKey key : keys) {
				if (onTarget.contains(new TableObject(TableObject.Kind.CONSTRAINT,
						new QualifiedName(key.schema(), key.table()), key.name()))) {
					continue;
				}
				try {
					statement.execute(key.sql());
					created++;
				}
				catch (SQLException ex) {
					if (!last && SqlStates.INVALID_FOREIGN_KEY.equals(ex.getSQLState())) {
						deferred.add(key);
						continue;
					}
					DatabaseException failure = target
						.failure("creating foreign key " + key.describe() + " NOT VALID (" + why + ")", ex);
					throw new DatabaseException(failure.exitCode(),
							failure.getMessage() + "; fix the target, then run the command again with --resume",
							ex.getSQLState(), ex);
				}
			}
		}
		catch (SQLException ex) {
			throw target.failure("creating foreign keys NOT VALID", ex);
		}
		logger.info("Created {} foreign keys NOT VALID ({} already on the target{}): {}", created,
				keys.size() - created - deferred.size(),
				deferred.isEmpty() ? "" : ", " + deferred.size() + " after the restore creates their referenced keys",
				validated ? "validated once the section is restored, several at once"
						: "their referenced tables' rows are not copied");
		return deferred;
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
