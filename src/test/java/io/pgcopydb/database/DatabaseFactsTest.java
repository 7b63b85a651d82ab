package io.pgcopydb.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What database-level facts refuse a clone, and what only warns. */
class DatabaseFactsTest {

	private static DatabaseFacts facts(String encoding, String locale, String version, String lcMonetary,
			boolean money) {
		return new DatabaseFacts(encoding, locale, locale, "c", version, lcMonetary, money);
	}

	@Test
	void aTargetEncodingThatCannotHoldTheSourcesCharactersIsRefused() {
		assertThat(
				DatabaseFacts.refusal(facts("UTF8", "C", null, null, false), facts("LATIN1", "C", null, null, false)))
			.contains("encoding LATIN1", "UTF8", "CREATE DATABASE");
		assertThat(
				DatabaseFacts.refusal(facts("LATIN1", "C", null, null, false), facts("UTF8", "C", null, null, false)))
			.as("UTF8 holds every character")
			.isNull();
		assertThat(DatabaseFacts.refusal(facts("SQL_ASCII", "C", null, null, false),
				facts("UTF8", "C", null, null, false)))
			.as("SQL_ASCII bytes may not be valid UTF8")
			.isNotNull();
		assertThat(
				DatabaseFacts.refusal(facts("EUC_JP", "C", null, null, false), facts("EUC_JP", "C", null, null, false)))
			.isNull();
	}

	@Test
	void localesCollationVersionsAndMonetaryFormatsOnlyWarn() {
		assertThat(DatabaseFacts.warnings(facts("UTF8", "en_US.UTF-8", "2.36", null, false),
				facts("UTF8", "C.UTF-8", "2.36", null, false)))
			.singleElement()
			.asString()
			.contains("locales differ", "en_US.UTF-8", "C.UTF-8");
		assertThat(DatabaseFacts.warnings(facts("UTF8", "en_US.UTF-8", "2.31", null, false),
				facts("UTF8", "en_US.UTF-8", "2.36", null, false)))
			.singleElement()
			.asString()
			.contains("collation version", "2.31", "2.36");
		assertThat(DatabaseFacts.warnings(facts("UTF8", "C", null, "de_DE.UTF-8", true),
				facts("UTF8", "C", null, null, true)))
			.singleElement()
			.asString()
			.contains("lc_monetary", "de_DE.UTF-8", "money");
		assertThat(DatabaseFacts.warnings(facts("UTF8", "C", null, "de_DE.UTF-8", false),
				facts("UTF8", "C", null, null, false)))
			.as("no money column, nothing to say")
			.isEmpty();
	}

}
