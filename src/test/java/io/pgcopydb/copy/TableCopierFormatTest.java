package io.pgcopydb.copy;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.config.CopyFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When {@link TableCopier#useBinary} may choose binary COPY: never where it could
 * corrupt.
 */
class TableCopierFormatTest {

	private static final SourceTable BUILTIN = new SourceTable(1, "public", "t", "id, amount",
			"id integer\namount numeric", true, 8192);

	private static final Set<String> SAME_TYPES = Set.of("id integer", "amount numeric");

	@Test
	void autoUsesBinaryForBuiltinTypesThatMatchOnTheSameMajorVersion() {
		assertThat(TableCopier.useBinary(CopyFormat.AUTO, BUILTIN, true, SAME_TYPES)).isTrue();
	}

	@Test
	void autoAcceptsExtraTargetColumnsAddedBySchemaChanges() {
		assertThat(TableCopier.useBinary(CopyFormat.AUTO, BUILTIN, true,
				Set.of("id integer", "amount numeric", "added text")))
			.isTrue();
	}

	@Test
	void autoFallsBackToTextAcrossMajorVersions() {
		assertThat(TableCopier.useBinary(CopyFormat.AUTO, BUILTIN, false, SAME_TYPES)).isFalse();
	}

	@Test
	void autoFallsBackToTextWhenATargetColumnChangedType() {
		// an int4 read as float4 in binary would be silent corruption
		assertThat(TableCopier.useBinary(CopyFormat.AUTO, BUILTIN, true, Set.of("id real", "amount numeric")))
			.isFalse();
		assertThat(TableCopier.useBinary(CopyFormat.AUTO, BUILTIN, true, Set.of("id integer"))).isFalse();
	}

	@Test
	void autoFallsBackToTextForUserDefinedTypes() {
		SourceTable withEnum = new SourceTable(2, "public", "t", "id, mood", "id integer\nmood public.mood", false,
				8192);
		assertThat(TableCopier.useBinary(CopyFormat.AUTO, withEnum, true, Set.of("id integer", "mood public.mood")))
			.isFalse();
	}

	@Test
	void autoUsesTextForATableWithoutColumns() {
		SourceTable empty = new SourceTable(3, "public", "t", "", "", true, 0);
		assertThat(TableCopier.useBinary(CopyFormat.AUTO, empty, true, Set.of())).isFalse();
	}

	@Test
	void explicitFormatsAreObeyed() {
		assertThat(TableCopier.useBinary(CopyFormat.TEXT, BUILTIN, true, SAME_TYPES)).isFalse();
		assertThat(TableCopier.useBinary(CopyFormat.BINARY, BUILTIN, false, Set.of())).isTrue();
	}

}
