package io.pgcopydb.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import io.pgcopydb.catalog.SourceInventory;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.Filters;

/**
 * Options of the list commands that read the source catalog ({@code list tables},
 * {@code indexes}, {@code sequences}, {@code depends}, {@code schema},
 * {@code databases}): the source, the filters a run would use, and JSON output. Every
 * read goes through one {@link SourceInventory}, so a command's lists and its filter
 * outcome come from one transaction.
 */
final class SourceListOptions {

	private static final Logger logger = LoggerFactory.getLogger(SourceListOptions.class);

	@Option(names = "--source", paramLabel = "<uri>", description = "Source database ($PGCOPYDB_SOURCE_PGURI).")
	String source;

	@Option(names = { "--filters", "--filter" }, paramLabel = "<file>",
			description = "List what a run with this filter file would copy (see jobs/README.md).")
	Path filters;

	@Option(names = "--skip-extensions", description = "As a run with --skip-extensions: extensions left out.")
	boolean skipExtensions;

	@Option(names = "--json", description = "Print JSON on stdout instead of text.")
	boolean json;

	/** The filters, checked before any connection: a bad file fails fast (exit 2). */
	Filters filters() {
		Filters loaded = (this.filters != null) ? Filters.load(this.filters) : Filters.NONE;
		return this.skipExtensions ? loaded.skippingExtensions() : loaded;
	}

	/** Opens the source, reads through one inventory, and ends its transaction. */
	<T> T read(String purpose, InventoryReader<T> reader) {
		Filters loaded = filters();
		PgEndpoint endpoint = Endpoints.of(Side.SOURCE, this.source);
		try (Connection connection = endpoint.connect("list " + purpose);
				SourceInventory inventory = SourceInventory.open(connection)) {
			// a list shows what a run would do: its target is not known, and the source's
			// version is the best guess of it (NOT VALID on partitioned tables needs 18)
			boolean notValidOnPartitioned = endpoint.serverVersion().major() >= 18;
			FilterPlan plan = inventory.plan(loaded, notValidOnPartitioned);
			plan.warnings().forEach((warning) -> logger.warn("{}", warning));
			return reader.read(new Source(inventory, loaded, plan, notValidOnPartitioned));
		}
		catch (SQLException ex) {
			throw endpoint.failure("listing the " + purpose, ex);
		}
	}

	/**
	 * What a list command reads: the inventory in its transaction, the filters and their
	 * plan, and whether that plan let foreign keys on partitioned tables be NOT VALID.
	 */
	record Source(SourceInventory inventory, Filters filters, FilterPlan plan, boolean notValidOnPartitioned) {
	}

	@FunctionalInterface
	interface InventoryReader<T> {

		T read(Source source) throws SQLException;

	}

}
