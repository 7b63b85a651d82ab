package io.pgcopydb.database;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQL that gives a target database the source database's properties. */
class DatabasePropertiesTest {

	@Test
	void listSettingsAreSplitIntoOneLiteralPerElement() {
		assertThat(SettingValues.render("search_path", "\"$user\", public, \"My \"\"odd\"\" schema\""))
			.isEqualTo("'$user', 'public', 'My \"odd\" schema'");
		assertThat(SettingValues.render("search_path", "")).isEqualTo("''");
		assertThat(SettingValues.render("DateStyle", "SQL, DMY")).isEqualTo("'SQL, DMY'");
		assertThat(SettingValues.render("myext.note", "it's")).isEqualTo("'it''s'");
	}

	@Test
	void settingsThenCommentThenPrivilegesResetFromPublic() {
		DatabaseProperties properties = new DatabaseProperties(
				List.of(new DatabaseProperties.Setting(null, "extra_float_digits", "0"),
						new DatabaseProperties.Setting("app", "work_mem", "64MB")),
				"the app's data", true, List.of(new DatabaseProperties.Grant("app", "CONNECT", false),
						new DatabaseProperties.Grant(null, "TEMPORARY", true)));

		assertThat(properties.statements("my db")).containsExactly(
				"ALTER DATABASE \"my db\" SET \"extra_float_digits\" TO '0'",
				"ALTER ROLE \"app\" IN DATABASE \"my db\" SET \"work_mem\" TO '64MB'",
				"COMMENT ON DATABASE \"my db\" IS 'the app''s data'", "REVOKE ALL ON DATABASE \"my db\" FROM PUBLIC",
				"GRANT CONNECT ON DATABASE \"my db\" TO \"app\"",
				"GRANT TEMPORARY ON DATABASE \"my db\" TO PUBLIC WITH GRANT OPTION");
	}

	@Test
	void noCommentsAndNoAclLeaveThoseOut() {
		DatabaseProperties properties = new DatabaseProperties(List.of(), "c", true,
				List.of(new DatabaseProperties.Grant("app", "CONNECT", false)));

		assertThat(properties.without(true, true).statements("d")).isEmpty();
		assertThat(properties.without(false, true).statements("d")).containsExactly("COMMENT ON DATABASE \"d\" IS 'c'");
	}

	@Test
	void propertiesSurviveTheirJsonFileInTheWorkDirectory() {
		DatabaseProperties properties = new DatabaseProperties(
				List.of(new DatabaseProperties.Setting(null, "search_path", "\"$user\", public")), "a \"comment\"",
				true, List.of(new DatabaseProperties.Grant(null, "CONNECT", false)));

		assertThat(DatabaseProperties.fromJson(properties.toJson())).isEqualTo(properties);
	}

}
