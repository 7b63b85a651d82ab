package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.error.BadConfigException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgPassFileTest {

	@TempDir
	Path dir;

	@Test
	void firstMatchingLineWins() {
		PgPassFile file = PgPassFile.parse("""
				db1:5432:pagila:app:first
				db1:5432:pagila:app:second
				""");
		assertThat(file.passwordFor("db1", 5432, "pagila", "app")).contains("first");
	}

	@Test
	void starMatchesAnyValueInEachOfTheFourFields() {
		PgPassFile file = PgPassFile.parse("""
				db1:5432:pagila:app:exact
				*:*:*:app:anyserver
				*:*:*:*:fallback
				""");
		assertThat(file.passwordFor("db1", 5432, "pagila", "app")).contains("exact");
		assertThat(file.passwordFor("db2", 6543, "other", "app")).contains("anyserver");
		assertThat(file.passwordFor("db2", 6543, "other", "admin")).contains("fallback");
	}

	@Test
	void noMatchGivesNoPassword() {
		PgPassFile file = PgPassFile.parse("db1:5432:pagila:app:secret\n");
		assertThat(file.passwordFor("db1", 5433, "pagila", "app")).isEmpty();
		assertThat(file.passwordFor("db1", 5432, "pagila", "other")).isEmpty();
	}

	@Test
	void backslashEscapesColonAndBackslashInFieldsAndPassword() {
		PgPassFile file = PgPassFile.parse("fe80\\:\\:1:5432:my\\\\db:app:pa\\:ss\\\\word\n");
		assertThat(file.passwordFor("fe80::1", 5432, "my\\db", "app")).contains("pa:ss\\word");
	}

	@Test
	void escapedStarIsALiteralStar() {
		PgPassFile file = PgPassFile.parse("\\*:5432:pagila:app:secret\n");
		assertThat(file.passwordFor("db1", 5432, "pagila", "app")).isEmpty();
		assertThat(file.passwordFor("*", 5432, "pagila", "app")).contains("secret");
	}

	@Test
	void starInsideAFieldIsLiteral() {
		PgPassFile file = PgPassFile.parse("db*:5432:pagila:app:secret\n");
		assertThat(file.passwordFor("db1", 5432, "pagila", "app")).isEmpty();
	}

	@Test
	void passwordEndsAtTheNextUnescapedColon() {
		PgPassFile file = PgPassFile.parse("*:*:*:*:secret:trailing\n");
		assertThat(file.passwordFor("h", 1, "d", "u")).contains("secret");
	}

	@Test
	void commentsBlankAndShortLinesAreSkipped() {
		PgPassFile file = PgPassFile.parse("""
				# *:*:*:*:commented
				   \s
				*:*:*:short

				*:*:*:*:real
				""");
		assertThat(file.passwordFor("h", 1, "d", "u")).contains("real");
	}

	@Test
	void emptyPasswordCountsAsNone() {
		PgPassFile file = PgPassFile.parse("*:*:*:*:\n");
		assertThat(file.passwordFor("h", 1, "d", "u")).isEmpty();
	}

	@Test
	void windowsLineEndingsAreAccepted() {
		PgPassFile file = PgPassFile.parse("h:1:d:u:first\r\n*:*:*:*:second\r\n");
		assertThat(file.passwordFor("h", 1, "d", "u")).contains("first");
		assertThat(file.passwordFor("x", 1, "d", "u")).contains("second");
	}

	@Test
	void privateFileIsRead() throws IOException {
		Path path = write("rw-------", "*:*:*:*:secret\n");
		assertThat(PgPassFile.load(path).passwordFor("h", 1, "d", "u")).contains("secret");
	}

	@Test
	void fileReadableByGroupHoldingTheEntryIsRefusedWithTheRemedy() throws IOException {
		Path path = write("rw-r-----", "*:*:*:*:secret\n");
		assertThatThrownBy(() -> PgPassFile.load(path).passwordFor("h", 1, "d", "u"))
			.isInstanceOf(BadConfigException.class)
			.hasMessageContaining("password file " + path)
			.hasMessageContaining("user \"u\" on h:1/d")
			.hasMessageEndingWith("chmod 0600 " + path)
			.hasMessageNotContaining("secret");
	}

	@Test
	void fileReadableByOthersHoldingTheEntryIsRefused() throws IOException {
		Path path = write("rw-r--r--", "*:*:*:*:secret\n");
		assertThatThrownBy(() -> PgPassFile.load(path).passwordFor("h", 1, "d", "u"))
			.isInstanceOf(BadConfigException.class);
	}

	@Test
	void openFileWithoutTheEntryIsIgnored() throws IOException {
		Path path = write("rw-r--r--", "other:1:d:u:secret\n");
		assertThat(PgPassFile.load(path).passwordFor("h", 1, "d", "u")).isEmpty();
	}

	@Test
	void missingFileIsIgnored() {
		assertThat(PgPassFile.load(this.dir.resolve("absent")).passwordFor("h", 1, "d", "u")).isEmpty();
	}

	@Test
	void directoryIsIgnored() {
		assertThat(PgPassFile.load(this.dir).passwordFor("h", 1, "d", "u")).isEmpty();
	}

	private Path write(String permissions, String content) throws IOException {
		Path path = this.dir.resolve("pgpass");
		Files.writeString(path, content);
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
		return path;
	}

}
