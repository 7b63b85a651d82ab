package io.pgcopydb.filter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.pgcopydb.error.BadArgumentsException;
import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The filter file as an operator writes it: pgcopydb's sections, PostgreSQL's identifier
 * quoting, regex entries, and one refusal per mistake with the line to fix.
 */
class FiltersTest {

	private static final Path FILE = Path.of("filters.ini");

	private static Filters parse(String text) {
		return Filters.parse(text, FILE);
	}

	private static void refused(String text, String message) {
		assertThatThrownBy(() -> parse(text)).isInstanceOf(BadConfigException.class)
			.hasMessage(message)
			.extracting((ex) -> ((PgCopyException) ex).exitCode())
			.isEqualTo(ExitCode.BAD_CONFIG);
	}

	@Test
	void readsPgcopydbsExample() {
		Filters filters = parse("""
				[exclude-schema]
				foo
				bar

				[exclude-table]
				"schema"."name"
				schema.othername
				public.serial = ignored value

				[exclude-index]
				schema.indexname

				[exclude-table-data]
				public.bar
				""");
		assertThat(filters.entries()).extracting(FilterEntry::text)
			.containsExactly("foo", "bar", "\"schema\".\"name\"", "schema.othername", "public.serial",
					"schema.indexname", "public.bar");
		assertThat(filters.schemaLeftOut("foo")).get()
			.extracting(Verdict::describe)
			.isEqualTo("[exclude-schema] foo (line 2)");
		assertThat(filters.schemaLeftOut("public")).isEmpty();
		assertThat(filters.tableLeftOut("public", "serial", true, List.of())).isPresent();
		assertThat(filters.indexLeftOut("schema", "indexname")).isPresent();
		assertThat(filters.tableDataLeftOut("public", "bar", List.of())).isPresent();
		assertThat(filters.tableDataLeftOut("public", "serial", List.of())).isEmpty();
	}

	@Test
	void quotedNamesKeepCaseDotsSpacesAndQuotesWhileUnquotedOnesFold() {
		Filters filters = parse("""
				[exclude-table]
				"My ""odd"" Schema"."a.b c"
				App.Customer
				""");
		FilterEntry quoted = filters.entries().get(0);
		assertThat(quoted.schema()).isEqualTo("My \"odd\" Schema");
		assertThat(quoted.name()).isEqualTo("a.b c");
		assertThat(quoted.normalized()).isEqualTo("\"My \"\"odd\"\" Schema\".\"a.b c\"");
		assertThat(filters.entries().get(1).schema()).isEqualTo("app");
		assertThat(filters.tableLeftOut("app", "customer", true, List.of())).isPresent();
		assertThat(filters.tableLeftOut("App", "Customer", true, List.of())).isEmpty();
	}

	@Test
	void regexEntriesFindInTheBareOrQualifiedName() {
		Filters filters = parse("""
				[exclude-schema]
				~/^tmp_/
				[exclude-table]
				~/^app\\.audit/
				""");
		assertThat(filters.schemaLeftOut("tmp_2024")).isPresent();
		assertThat(filters.schemaLeftOut("app_tmp_")).isEmpty();
		assertThat(filters.tableLeftOut("app", "audit_log", true, List.of())).get()
			.extracting(Verdict::describe)
			.isEqualTo("[exclude-table] ~/^app\\.audit/ (line 4)");
		assertThat(filters.tableLeftOut("app", "x_audit", true, List.of())).isEmpty();
	}

	@Test
	void includeOnlyLeavesOutWhatItDoesNotListAndListsPartitionsOfListedTables() {
		Filters filters = parse("""
				[include-only-table]
				app.events
				[exclude-table-data]
				app.events
				""");
		List<String[]> ancestors = List.<String[]>of(new String[] { "app", "events" });
		assertThat(filters.tableLeftOut("app", "events_2024", true, ancestors)).isEmpty();
		assertThat(filters.tableLeftOut("app", "other", true, List.of())).get()
			.extracting(Verdict::describe)
			.isEqualTo("not listed in [include-only-table]");
		assertThat(filters.tableLeftOut("app", "a_view", false, List.of())).isEmpty();
		assertThat(filters.tableDataLeftOut("app", "events_2024", ancestors)).isPresent();
	}

	@Test
	void extensionsBySectionOrOption() {
		assertThat(parse("[include-only-extension]\npostgis\n").extensionLeftOut("hstore")).get()
			.extracting(Verdict::describe)
			.isEqualTo("not listed in [include-only-extension]");
		assertThat(Filters.NONE.skippingExtensions().extensionLeftOut("hstore")).get()
			.extracting(Verdict::describe)
			.isEqualTo("--skip-extensions");
		assertThat(Filters.NONE.skippingExtensions().isEmpty()).isFalse();
		assertThat(Filters.NONE.isEmpty()).isTrue();
		assertThatThrownBy(() -> parse("# x\n[exclude-extension]\nhstore\n").skippingExtensions())
			.isInstanceOf(BadArgumentsException.class)
			.hasMessage("--skip-extensions and [exclude-extension] (filters.ini line 2) both decide which extensions"
					+ " to copy: drop the option or the section");
	}

	@Test
	void refusesUnknownSections() {
		refused("[exclude-schema]\nfoo\n\n[exclude-tables]\npublic.x\n",
				"filters.ini line 4: unknown section [exclude-tables]: the sections are [include-only-schema],"
						+ " [exclude-schema], [include-only-table], [exclude-table], [exclude-index], [exclude-table-data],"
						+ " [include-only-extension], [exclude-extension] (see jobs/README.md)");
		refused("[exclude-table\n", "filters.ini line 1: section header [exclude-table lacks its closing ]:"
				+ " write [section-name] (see jobs/README.md)");
	}

	@Test
	void refusesIncludeOnlyAndExcludeOfTheSameKind() {
		refused("""
				# keep the log out
				[exclude-table]
				public.log
				[exclude-table-data]
				public.big
				[include-only-table]
				public.a
				""",
				"filters.ini line 6: [include-only-table] and [exclude-table] (line 2) both name tables: keep one of them");
		refused("[exclude-schema]\n[include-only-schema]\n",
				"filters.ini line 2: [include-only-schema] and [exclude-schema] (line 1) both name schemas: keep one of them");
		refused("[include-only-extension]\n[exclude-extension]\n", "filters.ini line 2: [exclude-extension] and"
				+ " [include-only-extension] (line 1) both name extensions: keep one of them");
		assertThat(parse("[include-only-table]\na.b\n[exclude-table-data]\na.b\n[exclude-index]\na.i\n").entries())
			.hasSize(3);
	}

	@Test
	void refusesMalformedEntries() {
		refused("\n# comment\npublic.foo\n", "filters.ini line 3: entry public.foo comes before any section: put it"
				+ " under a section header such as [exclude-table] (see jobs/README.md)");
		refused("[exclude-table]\nfoo\n", "filters.ini line 2: foo in [exclude-table] is not schema-qualified: write"
				+ " schema.name (quote a name holding a dot: \"a.b\")");
		refused("[exclude-index]\n\"a.b\"\n", "filters.ini line 2: \"a.b\" in [exclude-index] is not"
				+ " schema-qualified: write schema.name (quote a name holding a dot: \"a.b\")");
		refused("[exclude-table]\na.b.c\n", "filters.ini line 2: a.b.c in [exclude-table] has 2 dots: write"
				+ " schema.name, and quote a name holding a dot (\"a.b\")");
		refused("[exclude-schema]\na.b\n", "filters.ini line 2: a.b in [exclude-schema] is qualified: write the bare"
				+ " schema name, and quote a name holding a dot (\"a.b\")");
		refused("[exclude-table]\n\"app.orders\n", "filters.ini line 2: \"app.orders in [exclude-table] has an"
				+ " unbalanced double quote: close it, and double a quote inside a name (\"a\"\"b\")");
		refused("[exclude-table]\napp.\n",
				"filters.ini line 2: app. in [exclude-table] has an empty name part: write schema.name with both parts");
		refused("[exclude-table]\n\"\".x\n",
				"filters.ini line 2: \"\".x in [exclude-table] has an empty name part: write schema.name with both parts");
		refused("[exclude-table]\nmy schema.x\n",
				"filters.ini line 2: my schema.x in [exclude-table]: the name my schema holds a space: quote it (\"my schema\")");
		refused("[exclude-table]\n\"a\"b.x\n", "filters.ini line 2: \"a\"b.x in [exclude-table]: unexpected b after a"
				+ " quoted name: separate the parts with a dot");
		refused("[exclude-table]\n~/app\\.(x/\n", "filters.ini line 2: bad regex ~/app\\.(x/ in [exclude-table]:"
				+ " Unclosed group near index 7: fix the pattern (Java regex syntax)");
		refused("[exclude-table]\n~/app\n",
				"filters.ini line 2: ~/app in [exclude-table]: a regex entry is ~/pattern/: close it with /");
		refused("[exclude-table]\n~//\n",
				"filters.ini line 2: ~// in [exclude-table]: empty regex: write a pattern between ~/ and /");
	}

	@Test
	void refusesMissingUnreadableAndNonUtf8Files(@TempDir Path dir) throws IOException {
		Path missing = dir.resolve("nope.ini");
		assertThatThrownBy(() -> Filters.load(missing)).isInstanceOf(BadConfigException.class)
			.hasMessage(missing + ": no such filter file: check the --filters path");
		assertThatThrownBy(() -> Filters.load(dir)).isInstanceOf(BadConfigException.class)
			.hasMessageStartingWith(dir + ": cannot read the filter file (")
			.hasMessageEndingWith("): check that it is a readable file");
		Path latin1 = Files.write(dir.resolve("latin1.ini"),
				"[exclude-schema]\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
		assertThatThrownBy(() -> Filters.load(latin1)).isInstanceOf(BadConfigException.class)
			.hasMessage(latin1 + ": the filter file is not UTF-8 text: save it as UTF-8");
		Path good = Files.writeString(dir.resolve("good.ini"), "[exclude-table]\r\npublic.foo\r\n");
		assertThat(Filters.load(good).file()).isEqualTo(good);
		assertThat(Filters.load(good).tableLeftOut("public", "foo", true, List.of())).get()
			.extracting((verdict) -> verdict.entry().line())
			.isEqualTo(2);
	}

	@Test
	void normalizedFormIgnoresCommentsOrderDuplicatesAndCaseOfUnquotedNames() {
		Filters one = parse("""
				; pgcopydb style
				[exclude-table]
				public.Foo
				"App"."order"
				public.bar
				public.bar
				~/x #y/
				[exclude-schema]
				archive
				[exclude-extension]
				""");
		Filters two = parse("""
				[exclude-extension]
				[exclude-schema]
				  ARCHIVE   # inline comment
				""" + """
				[exclude-table]
				"App"."order" = 1
				"public"."bar" ; inline comment "with a quote
				~/x #y/ # a regex holding a hash
				PUBLIC.FOO
				""");
		assertThat(one.normalized()).isEqualTo("""
				[exclude-schema]
				archive

				[exclude-table]
				"App"."order"
				public.bar
				public.foo
				~/x #y/

				[exclude-extension]
				""");
		assertThat(two.normalized()).isEqualTo(one.normalized());
		assertThat(two.digest()).isEqualTo(one.digest()).hasSize(64).matches("[0-9a-f]{64}");
		assertThat(Filters.NONE.normalized()).isEmpty();
		assertThat(Filters.NONE.digest()).isEmpty();
		assertThat(parse("[exclude-table]\npublic.foo\n").digest()).isNotEqualTo(one.digest());
	}

	@Test
	void differencesNameEachAddedAndRemovedEntry() {
		Filters recorded = parse("[exclude-schema]\narchive\n[exclude-table]\npublic.foo\n[exclude-extension]\n");
		Filters now = parse("[exclude-table]\npublic.foo\npublic.bar\n[exclude-table-data]\n~/log$/\n");
		assertThat(now.differencesFrom(recorded.normalized())).containsExactly("removed [exclude-schema] archive",
				"added [exclude-table] public.bar", "added [exclude-table-data] ~/log$/",
				"removed [exclude-extension]");
		assertThat(now.differencesFrom(now.normalized())).isEmpty();
		assertThat(Filters.NONE.differencesFrom(recorded.normalized())).containsExactly(
				"removed [exclude-schema] archive", "removed [exclude-table] public.foo",
				"removed [exclude-extension]");
		assertThat(now.differencesFrom("")).hasSize(3);
	}

	@Test
	void acceptsAFileStartingWithAByteOrderMark() {
		assertThat(parse("\uFEFF[exclude-schema]\narchive\n").schemaLeftOut("archive")).get()
			.extracting(Verdict::describe)
			.isEqualTo("[exclude-schema] archive (line 2)");
	}

	@Test
	void acceptsACommentAfterASectionHeader() {
		Filters filters = parse(
				"[exclude-table]  # the staging tables\napp.b\n[exclude-schema]\t; archived\narchive\n");
		assertThat(filters.tableLeftOut("app", "b", true, List.of())).isPresent();
		assertThat(filters.schemaLeftOut("archive")).isPresent();
	}

	@Test
	void aRegexEndsAtTheSlashBeforeTheEndOfLineASpaceAnEqualsSignOrAComment() {
		Filters filters = parse("[exclude-table]\n~/^app\\.a$/   # see /docs/filters\n");
		assertThat(filters.entries()).extracting(FilterEntry::text).containsExactly("~/^app\\.a$/");
		assertThat(filters.tableLeftOut("app", "a", true, List.of())).get()
			.extracting(Verdict::describe)
			.isEqualTo("[exclude-table] ~/^app\\.a$/ (line 2)");
		assertThat(filters.tableLeftOut("app", "ab", true, List.of())).isEmpty();
		assertThat(parse("[exclude-table]\n~/^app\\.a/b$/\n").tableLeftOut("app", "a/b", true, List.of())).isPresent();
		assertThat(parse("[exclude-table]\n~/^app\\.a$/=1\n").entries()).extracting(FilterEntry::text)
			.containsExactly("~/^app\\.a$/");
		refused("[exclude-table]\n~/^app\\.a$/ b\n",
				"filters.ini line 2: ~/^app\\.a$/ b in [exclude-table]: a regex entry is ~/pattern/: close it with /");
	}

	@Test
	void refusesAnIncludeOnlySectionWithoutEntries() {
		refused("""
				[include-only-table]
				# app.orders
				; app.customers
				[exclude-index]
				""", "filters.ini line 1: [include-only-table] has no entry: every table would be left out;"
				+ " list what to keep or remove the section");
		refused("[exclude-table]\napp.x\n\n[include-only-schema]  # none yet\n",
				"filters.ini line 4: [include-only-schema] has no entry: every schema would be left out;"
						+ " list what to keep or remove the section");
		refused("[include-only-extension]\n", "filters.ini line 1: [include-only-extension] has no entry: every"
				+ " extension would be left out; list what to keep or remove the section");
	}

	@Test
	void skipExtensionsIsPartOfTheNormalizedFormAndItsDifferences() {
		Filters file = parse("[exclude-table]\npublic.foo\n");
		Filters skipping = file.skippingExtensions();
		assertThat(skipping.normalized()).isEqualTo("--skip-extensions\n\n[exclude-table]\npublic.foo\n");
		assertThat(skipping.digest()).isNotEqualTo(file.digest());
		assertThat(skipping.differencesFrom(file.normalized())).containsExactly("added --skip-extensions");
		assertThat(file.differencesFrom(skipping.normalized())).containsExactly("removed --skip-extensions");
		assertThat(Filters.NONE.skippingExtensions().normalized()).isEqualTo("--skip-extensions\n");
		assertThat(Filters.NONE.skippingExtensions().digest()).hasSize(64);
		Filters recorded = Filters.ofNormalized(skipping.normalized(), FILE);
		assertThat(recorded.skipsExtensions()).isTrue();
		assertThat(recorded.normalized()).isEqualTo(skipping.normalized());
		assertThat(Filters.ofNormalized(file.normalized(), FILE).skipsExtensions()).isFalse();
	}

}
