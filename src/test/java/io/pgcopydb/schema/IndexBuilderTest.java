package io.pgcopydb.schema;

import java.sql.SQLException;

import io.pgcopydb.catalog.SourceIndex;
import io.pgcopydb.error.BadStateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SQL the index builder sends, from definitions as pg_get_indexdef prints them. */
class IndexBuilderTest {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			CREATE INDEX a ON public.t USING btree (x) \
			| CREATE INDEX IF NOT EXISTS a ON public.t USING btree (x)
			CREATE UNIQUE INDEX "Weird INDEX name" ON ONLY s."T" USING btree (x) \
			| CREATE UNIQUE INDEX IF NOT EXISTS "Weird INDEX name" ON ONLY s."T" USING btree (x)
			CREATE INDEX "INDEX " ON public."INDEX " USING btree ("INDEX ") \
			| CREATE INDEX IF NOT EXISTS "INDEX " ON public."INDEX " USING btree ("INDEX ")
			CREATE INDEX idx_lower_email ON public.customer USING btree (lower((email)::text)) \
			| CREATE INDEX IF NOT EXISTS idx_lower_email ON public.customer USING btree (lower((email)::text))
			CREATE INDEX idx_active ON public.customer USING btree (store_id) WHERE (active = 1) \
			| CREATE INDEX IF NOT EXISTS idx_active ON public.customer USING btree (store_id) WHERE (active = 1)
			CREATE UNIQUE INDEX k ON public.t USING btree (a) INCLUDE (b) WITH (fillfactor='70') \
			| CREATE UNIQUE INDEX IF NOT EXISTS k ON public.t USING btree (a) INCLUDE (b) WITH (fillfactor='70')
			CREATE UNIQUE INDEX u ON public.t USING btree (a) NULLS NOT DISTINCT \
			| CREATE UNIQUE INDEX IF NOT EXISTS u ON public.t USING btree (a) NULLS NOT DISTINCT
			CREATE INDEX idx_address_trgm ON app.address USING gin (address public.gin_trgm_ops) \
			| CREATE INDEX IF NOT EXISTS idx_address_trgm ON app.address USING gin (address public.gin_trgm_ops)
			""")
	void createIfNotExistsTouchesOnlyTheKeyword(String definition, String expected) {
		assertThat(IndexBuilder.createIfNotExists(definition)).isEqualTo(expected);
	}

	@Test
	void createIfNotExistsRefusesWhatIsNotAnIndexDefinition() {
		assertThatIllegalArgumentException().isThrownBy(() -> IndexBuilder.createIfNotExists("CREATE TABLE t (x int)"))
			.withMessageContaining("CREATE TABLE t (x int)");
	}

	@Test
	void primaryKeyIsAddedUsingTheBuiltIndex() {
		SourceIndex index = constraintIndex("public", "actor", "actor_pkey", "actor_pkey", "p", false, false);
		assertThat(IndexBuilder.addConstraint(index))
			.isEqualTo("ALTER TABLE ONLY \"public\".\"actor\" ADD CONSTRAINT \"actor_pkey\" PRIMARY KEY"
					+ " USING INDEX \"actor_pkey\"");
	}

	@Test
	void uniqueConstraintIsAddedUsingTheBuiltIndex() {
		SourceIndex index = constraintIndex("public", "customer", "customer_email_key", "customer_email_key", "u",
				false, false);
		assertThat(IndexBuilder.addConstraint(index))
			.isEqualTo("ALTER TABLE ONLY \"public\".\"customer\" ADD CONSTRAINT \"customer_email_key\" UNIQUE"
					+ " USING INDEX \"customer_email_key\"");
	}

	@Test
	void deferrableConstraintStaysDeferrableAndImmediate() {
		SourceIndex index = constraintIndex("public", "t", "t_a_key", "t_a_key", "u", true, false);
		assertThat(IndexBuilder.addConstraint(index)).endsWith(" USING INDEX \"t_a_key\" DEFERRABLE");
	}

	@Test
	void initiallyDeferredConstraintKeepsBothClauses() {
		SourceIndex index = constraintIndex("public", "t", "t_pkey", "t_pkey", "p", true, true);
		assertThat(IndexBuilder.addConstraint(index))
			.endsWith(" PRIMARY KEY USING INDEX \"t_pkey\" DEFERRABLE INITIALLY DEFERRED");
	}

	@Test
	void notDeferrableConstraintHasNoDeferralClause() {
		SourceIndex index = constraintIndex("public", "t", "t_pkey", "t_pkey", "p", false, false);
		assertThat(IndexBuilder.addConstraint(index)).doesNotContain("DEFERR");
	}

	@Test
	void namesAreQuotedWhateverTheirCaseSpacesOrQuotes() {
		SourceIndex index = constraintIndex("My Schema", "we\"ird", "Weird INDEX name", "Key \"K\"", "u", false, false);
		assertThat(IndexBuilder.addConstraint(index))
			.isEqualTo("ALTER TABLE ONLY \"My Schema\".\"we\"\"ird\" ADD CONSTRAINT \"Key \"\"K\"\"\" UNIQUE"
					+ " USING INDEX \"Weird INDEX name\"");
	}

	@Test
	void columnStatisticsTargetsAreSetByColumnNumber() {
		SourceIndex index = new SourceIndex(16600, 16500, "public", "customer", "idx_lower_email",
				"CREATE INDEX idx_lower_email ON public.customer USING btree (lower((email)::text))", 0, null, null,
				false, false, false, false, null, "1=777,2=100");
		assertThat(IndexBuilder.columnStatistics(index)).containsExactly(
				"ALTER INDEX \"public\".\"idx_lower_email\" ALTER COLUMN 1 SET STATISTICS 777",
				"ALTER INDEX \"public\".\"idx_lower_email\" ALTER COLUMN 2 SET STATISTICS 100");
	}

	@Test
	void columnStatisticsOfAConstraintIndexUseTheConstraintName() {
		SourceIndex index = new SourceIndex(16600, 16500, "public", "t", "t_a_idx", "CREATE UNIQUE INDEX ...", 16700,
				"t_a_key", "u", false, false, false, false, null, "1=500");
		assertThat(IndexBuilder.columnStatistics(index))
			.containsExactly("ALTER INDEX \"public\".\"t_a_key\" ALTER COLUMN 1 SET STATISTICS 500");
	}

	@Test
	void indexWithoutColumnStatisticsNeedsNoStatement() {
		assertThat(IndexBuilder.columnStatistics(constraintIndex("public", "t", "t_pkey", "t_pkey", "p", false, false)))
			.isEmpty();
	}

	@Test
	void aKeyOnAPartitionedTableIsAddedFromItsDefinitionNotUsingAnIndex() {
		SourceIndex index = new SourceIndex(16600, 16500, "public", "events", "events_pkey", "CREATE UNIQUE INDEX ...",
				16700, "events_pkey", "p", "PRIMARY KEY (id) DEFERRABLE", true, false, false, false, null, null,
				"btree", 8192);
		assertThat(IndexBuilder.addConstraintDirectly(index))
			.isEqualTo("ALTER TABLE \"public\".\"events\" ADD CONSTRAINT \"events_pkey\" PRIMARY KEY (id) DEFERRABLE");
	}

	@Test
	void aKeyWithoutItsDefinitionCannotBeBuiltOnAPartitionedTable() {
		SourceIndex index = constraintIndex("public", "events", "events_pkey", "events_pkey", "p", false, false);
		assertThatThrownBy(() -> IndexBuilder.addConstraintDirectly(index)).isInstanceOf(BadStateException.class)
			.hasMessageContaining("events_pkey")
			.hasMessageContaining("--restart");
	}

	@Test
	void clusterOnIsLeftOutOnAPartitionedTable() {
		SourceIndex index = new SourceIndex(16600, 16500, "public", "t", "t_pkey", "CREATE UNIQUE INDEX ...", 16700,
				"t_pkey", "p", false, false, true, true, null, null);
		assertThat(IndexBuilder.indexProperties(index, false)).containsExactly(
				"ALTER TABLE ONLY \"public\".\"t\" CLUSTER ON \"t_pkey\"",
				"ALTER TABLE ONLY \"public\".\"t\" REPLICA IDENTITY USING INDEX \"t_pkey\"");
		assertThat(IndexBuilder.indexProperties(index, true))
			.containsExactly("ALTER TABLE ONLY \"public\".\"t\" REPLICA IDENTITY USING INDEX \"t_pkey\"");
	}

	@Test
	void aKeyLackingAPartitionColumnFailsInOneLineNamingTheColumnAndTheRemedy() {
		SourceIndex index = constraintIndex("public", "events", "events_pkey", "events_pkey", "p", false, false);
		SQLException refusal = new SQLException(
				"ERROR: unique constraint on partitioned table must include all partitioning columns", "0A000");
		assertThat(IndexBuilder.lacksPartitionKey(refusal)).isTrue();
		assertThat(IndexBuilder.lacksPartitionKey(new SQLException("cannot mark index clustered", "0A000"))).isFalse();
		BadStateException error = IndexBuilder.partitionKeyMissing(index, refusal);
		assertThat(error.getMessage()).doesNotContain("\n")
			.contains("constraint events_pkey", "\"public\".\"events\"", "partitioning columns",
					"partition key columns added", "copy data --resume");
	}

	private static SourceIndex constraintIndex(String schema, String table, String indexName, String constraintName,
			String constraintType, boolean deferrable, boolean deferred) {
		return new SourceIndex(16600, 16500, schema, table, indexName, "CREATE UNIQUE INDEX ...", 16700, constraintName,
				constraintType, deferrable, deferred, false, false, null, null);
	}

}
