package io.pgcopydb.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The CREATE ROLE statement of a copied role, and where its password may appear. */
class RolesTest {

	private static final String HASH = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy";

	@Test
	void everyAttributeIsSpelledOutAndThePasswordHashGoesOnlyIntoTheStatement() {
		Roles.Role role = new Roles.Role("app \"ops\"", false, true, false, true, true, false, true, 10,
				"2030-01-01 00:00:00+00", HASH, null);

		assertThat(Roles.createStatement(role)).isEqualTo("CREATE ROLE \"app \"\"ops\"\"\" NOSUPERUSER INHERIT"
				+ " NOCREATEROLE CREATEDB LOGIN NOREPLICATION BYPASSRLS CONNECTION LIMIT 10 VALID UNTIL"
				+ " '2030-01-01 00:00:00+00' PASSWORD '" + HASH + "'");
		assertThat(role.toString()).doesNotContain(HASH);
	}

	@Test
	void aRoleWithoutPasswordGetsNone() {
		Roles.Role role = new Roles.Role("reader", false, true, false, false, false, false, false, -1, null, null,
				null);

		assertThat(Roles.createStatement(role)).doesNotContain("PASSWORD", "CONNECTION LIMIT", "VALID UNTIL");
	}

}
