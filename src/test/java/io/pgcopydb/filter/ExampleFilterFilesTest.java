package io.pgcopydb.filter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example filter files an operator copies from {@code config/filters/}: each parses,
 * says something, and starts with a comment saying what it keeps (STYLE.md).
 */
class ExampleFilterFilesTest {

	@Test
	void everyExampleFilterFileParsesAndSaysWhatItKeeps() throws IOException {
		List<Path> files;
		try (Stream<Path> listing = Files.list(Path.of("config", "filters"))) {
			files = listing.filter((file) -> file.toString().endsWith(".ini")).sorted().toList();
		}
		assertThat(files).hasSizeGreaterThanOrEqualTo(3);
		for (Path file : files) {
			Filters filters = Filters.load(file);
			assertThat(filters.entries()).as(file.toString()).isNotEmpty();
			assertThat(Files.readAllLines(file).get(0)).as(file.toString()).startsWith("# Keeps");
		}
	}

	@Test
	void theTempTablesExampleMatchesTableNamesNotSchemaNames() {
		Filters filters = Filters.load(Path.of("config", "filters", "regex-temp-tables.ini"));
		assertThat(filters.tableLeftOut("app", "tmp_import", true, List.of())).isPresent();
		assertThat(filters.tableLeftOut("app.tmp_area", "orders", true, List.of())).isEmpty();
		assertThat(filters.tableLeftOut("app", "orders_old", true, List.of())).isPresent();
	}

}
