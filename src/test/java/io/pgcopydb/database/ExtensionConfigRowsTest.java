package io.pgcopydb.database;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order an extension's configuration tables are filled in: each after the tables its
 * foreign keys point to (and emptied in the reverse order).
 */
class ExtensionConfigRowsTest {

	private static Extensions.ConfigTable table(String name, String... referenced) {
		return new Extensions.ConfigTable("ext", "ext", name, 'r', "", "id", List.of(referenced));
	}

	@Test
	void parentsComeBeforeTheTablesReferencingThem() {
		Extensions.ConfigTable child = table("a_child", "ext.m_parent");
		Extensions.ConfigTable grandchild = table("b_grandchild", "ext.a_child");
		Extensions.ConfigTable parent = table("m_parent");
		Extensions.ConfigTable other = table("z_other", "public.elsewhere");

		assertThat(ExtensionConfigRows.parentsFirst(List.of(child, grandchild, parent, other))).containsExactly(parent,
				child, grandchild, other);
	}

}
