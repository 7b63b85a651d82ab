package io.pgcopydb.cdc.receive;

import java.util.List;

/**
 * What a follow publishes, as {@link SourceChecks} decided it: the relations named in the
 * publication(s) (partitioned roots rather than their partitions, so partitions created
 * during a long follow are covered), and the tables it cannot keep in sync.
 *
 * @param published relations of the full publication (INSERT, UPDATE, DELETE, TRUNCATE),
 * quoted and qualified
 * @param insertOnly relations of the insert-only publication (INSERT, TRUNCATE): tables
 * without usable replica identity the user accepted to follow for inserts only
 * ({@code --insert-only-tables}); the source's own UPDATE and DELETE on them keep working
 * @param unlogged unlogged tables: copied once, not kept in sync (they cannot be
 * published)
 * @param materializedViews copied once, refreshed at cut-over
 */
public record FollowScope(List<String> published, List<String> insertOnly, List<String> unlogged,
		List<String> materializedViews) {

	public FollowScope {
		published = List.copyOf(published);
		insertOnly = List.copyOf(insertOnly);
		unlogged = List.copyOf(unlogged);
		materializedViews = List.copyOf(materializedViews);
	}

	public boolean isEmpty() {
		return this.published.isEmpty() && this.insertOnly.isEmpty();
	}

}
