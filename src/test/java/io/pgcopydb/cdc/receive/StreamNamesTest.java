package io.pgcopydb.cdc.receive;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.pgcopydb.catalog.SourceTable;
import io.pgcopydb.error.BadArgumentsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamNamesTest {

	@Test
	void defaultNamesDifferPerDirectoryAndRepeatForTheSameOne() {
		StreamNames a = StreamNames.of(Path.of("/tmp/run-a"), null, null, null);
		StreamNames b = StreamNames.of(Path.of("/tmp/run-b"), null, null, null);

		assertThat(a.slot()).matches("pgcopydb_[0-9a-f]{8}").isEqualTo(a.origin()).isEqualTo(a.publication());
		assertThat(b.slot()).isNotEqualTo(a.slot());
		assertThat(StreamNames.of(Path.of("/tmp/run-a/"), null, null, null)).isEqualTo(a);
		assertThat(StreamNames.of(Path.of("/tmp/run-a"), "pgcopydb", null, "pgcopydb").slot()).isEqualTo("pgcopydb");
	}

	@Test
	void invalidSlotNameIsRefusedNamingTheOption() {
		assertThatThrownBy(() -> StreamNames.of(Path.of("/tmp/x"), "My-Slot", null, null))
			.isInstanceOf(BadArgumentsException.class)
			.hasMessageContaining("--slot-name \"My-Slot\"");
	}

	@Test
	void usableReplicaIdentity() {
		assertThat(SourceChecks.usableIdentity('d', true, false)).isTrue();
		assertThat(SourceChecks.usableIdentity('d', false, false)).isFalse();
		assertThat(SourceChecks.usableIdentity('f', false, false)).isTrue();
		assertThat(SourceChecks.usableIdentity('i', true, true)).isTrue();
		assertThat(SourceChecks.usableIdentity('i', true, false)).isFalse();
		assertThat(SourceChecks.usableIdentity('n', true, false)).isFalse();
	}

	@Test
	void listingStopsAtTwentyNames() {
		List<String> names = IntStream.rangeClosed(1, 25).mapToObj((i) -> "public.t" + i).toList();

		assertThat(SourceChecks.listing(names)).endsWith("public.t20 and 5 more").doesNotContain("t21");
	}

	@Test
	void partitionsArePublishedThroughTheirRoot() {
		SourceTable leaf = new SourceTable(1, "public", "p_2024_01", "", "", true, 0,
				List.of("\"public\".\"p_2024\"", "\"public\".\"p\""), "FOR VALUES ...", List.of());

		assertThat(SourceChecks.publishedName(leaf)).isEqualTo("\"public\".\"p\"");
	}

}
