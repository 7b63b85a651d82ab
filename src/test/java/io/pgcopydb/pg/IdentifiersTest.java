package io.pgcopydb.pg;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Log lines write names as quote_ident does, so that they are unambiguous. */
class IdentifiersTest {

	@Test
	void plainLowerCaseNamesStayPlainAndEverythingElseIsQuoted() {
		assertThat(Identifiers.display("orders_2024")).isEqualTo("orders_2024");
		assertThat(Identifiers.display("_x")).isEqualTo("_x");
		assertThat(Identifiers.display("Orders")).isEqualTo("\"Orders\"");
		assertThat(Identifiers.display("x.y")).isEqualTo("\"x.y\"");
		assertThat(Identifiers.display("tab \"quoted\"")).isEqualTo("\"tab \"\"quoted\"\"\"");
		assertThat(Identifiers.display("ü")).isEqualTo("\"ü\"");
		assertThat(Identifiers.display("1st")).isEqualTo("\"1st\"");
		assertThat(Identifiers.display("")).isEqualTo("\"\"");
	}

	@Test
	void keywordsAreQuotedAsQuoteIdentDoesButUnreservedOnesAreNot() {
		assertThat(Identifiers.display("user")).isEqualTo("\"user\"");
		assertThat(Identifiers.display("select")).isEqualTo("\"select\"");
		assertThat(Identifiers.display("int")).isEqualTo("\"int\"");
		assertThat(Identifiers.display("name")).isEqualTo("name");
		assertThat(Identifiers.display("data")).isEqualTo("data");
	}

	@Test
	void aQualifiedNameReadsBackUnambiguously() {
		assertThat(Identifiers.displayQualified("Sch \"é\" x.y", "tab \"quoted\" ü 表.dot"))
			.isEqualTo("\"Sch \"\"é\"\" x.y\".\"tab \"\"quoted\"\" ü 表.dot\"");
		assertThat(Identifiers.displayQualified("public", "big")).isEqualTo("public.big");
	}

}
