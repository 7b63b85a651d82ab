package io.pgcopydb.catalog;

import java.util.List;

/**
 * A table or partitioned table of the target, where it sits in a partition tree.
 *
 * @param qualifiedName quoted and qualified, as {@code pg_class} names it now
 * @param partitioned a partitioned table: COPY routes each row to its partition, and
 * neither {@code TRUNCATE ONLY} nor {@code COPY FREEZE} is accepted
 * @param partitionBound its bound when it is a partition, else null
 * @param ancestors its partitioned ancestors, quoted and qualified, nearest first
 */
public record TargetRelation(String qualifiedName, boolean partitioned, String partitionBound, List<String> ancestors) {

	public TargetRelation {
		ancestors = List.copyOf(ancestors);
	}

	/** The nearest partitioned ancestor, or null when the relation is no partition. */
	public String parent() {
		return this.ancestors.isEmpty() ? null : this.ancestors.get(0);
	}

	/** The top of its partition tree: itself when it is no partition. */
	public String root() {
		return this.ancestors.isEmpty() ? this.qualifiedName : this.ancestors.get(this.ancestors.size() - 1);
	}

}
