package io.pgcopydb.schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.catalog.SchemaObjects.CatalogObject;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.error.BadStateException;

/**
 * Which entries of one archive section a restore runs: of those {@code eligible}, the
 * ones whose object the target lacks, and every re-runnable one (comments, privileges,
 * defaults...); those the target has (created by this run, or identical) are left out, so
 * that a retried restore neither fails on what an interrupted one created nor needs to
 * drop anything first. Clashes are collected, for the caller to refuse the restore before
 * it starts.
 */
final class EntrySelection {

	private static final Logger logger = LoggerFactory.getLogger(EntrySelection.class);

	private static final int CLASHES_NAMED = 5;

	private final Set<Integer> restored = new HashSet<>();

	private final List<Integer> created = new ArrayList<>();

	private final List<String> clashes = new ArrayList<>();

	private int present;

	private EntrySelection() {
	}

	/**
	 * @param section "Pre-data" or "Post-data", for the log; null for a check that logs
	 * nothing
	 * @param eligible the entries the restore would run were the target empty
	 * @param ours the dumpIds the run recorded as created by itself
	 * @param columns the source's tables and their columns ("name type" lines), as the
	 * run's plan has them
	 */
	static EntrySelection select(String section, List<TocEntry> entries, Predicate<TocEntry> eligible,
			TargetPresence presence, Set<Integer> ours, Map<QualifiedName, String> columns) {
		EntrySelection selection = new EntrySelection();
		for (TocEntry entry : entries) {
			if (!eligible.test(entry)) {
				continue;
			}
			if (!TargetPresence.creates(entry.desc())) {
				selection.restored.add(entry.dumpId());
				continue;
			}
			TargetPresence.Decision decision = presence.decide(wanted(entry, columns), ours.contains(entry.dumpId()));
			switch (decision.verdict()) {
				case ABSENT -> {
					selection.restored.add(entry.dumpId());
					selection.created.add(entry.dumpId());
				}
				case OURS -> selection.present++;
				case IDENTICAL -> {
					selection.present++;
					if (section != null) {
						logger.info("{}: the target already has {} as the source has it: left out", section,
								decision.found().describe());
					}
				}
				case CLASH -> selection.clashes.add(decision.clash());
			}
		}
		return selection;
	}

	/** The archive entry as an object to look up, with what is compared of it. */
	static CatalogObject wanted(TocEntry entry, Map<QualifiedName, String> columns) {
		String detail = switch (entry.desc()) {
			case "SCHEMA" -> entry.owner();
			case "TABLE" ->
				(entry.schema() != null) ? columns.get(new QualifiedName(entry.schema(), entry.name())) : null;
			default -> null;
		};
		return new CatalogObject(entry.desc(), entry.schema(), entry.name(), detail);
	}

	/**
	 * Refuses the restore when anything clashes, naming the first few objects and the
	 * remedy.
	 * @param rerun how to continue once the target is fixed: "run the command again"
	 */
	static void refuseClashes(List<String> clashes, String rerun) {
		if (clashes.isEmpty()) {
			return;
		}
		StringBuilder message = new StringBuilder(clashes.get(0))
			.append(": drop or rename it on the target, or clone into another database, then " + rerun);
		if (clashes.size() > 1) {
			message.append(" (")
				.append(clashes.size() - 1)
				.append(" more: ")
				.append(String.join("; ", clashes.subList(1, Math.min(clashes.size(), CLASHES_NAMED + 1))))
				.append((clashes.size() > CLASHES_NAMED + 1) ? "; ..." : "")
				.append(")");
		}
		throw new BadStateException(message.toString());
	}

	boolean restores(TocEntry entry) {
		return this.restored.contains(entry.dumpId());
	}

	int restored() {
		return this.restored.size();
	}

	/** The entries whose object the target lacked: the run creates them. */
	List<Integer> created() {
		return this.created;
	}

	/** Entries left out since the target has their object. */
	int present() {
		return this.present;
	}

	List<String> clashes() {
		return this.clashes;
	}

}
