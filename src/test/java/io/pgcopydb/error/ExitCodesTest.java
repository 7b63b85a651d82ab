package io.pgcopydb.error;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Which exit code and which line a user gets for a failure. */
class ExitCodesTest {

	private static final SQLException RELATION_MISSING = new SQLException(
			"ERROR: relation \"public.actor\" does not exist\n  Position: 15", "42P01");

	@Test
	void ourExceptionCarriesItsExitCode() {
		assertThat(ExitCodes.of(new BadArgumentsException("--table-jobs: must be positive")))
			.isEqualTo(ExitCode.BAD_ARGUMENTS);
		assertThat(ExitCodes.of(new BadConfigException("pg_dump not found"))).isEqualTo(ExitCode.BAD_CONFIG);
		assertThat(ExitCodes.of(new BadStateException("target not empty"))).isEqualTo(ExitCode.BAD_STATE);
		assertThat(ExitCodes.of(new PgToolException("pg_restore failed"))).isEqualTo(ExitCode.PG_TOOL);
		assertThat(ExitCodes.of(new StoppedException("stopped"))).isEqualTo(ExitCode.STOPPED);
		assertThat(ExitCodes.of(new DatabaseException(ExitCode.TARGET, "copy failed", "42P01", RELATION_MISSING)))
			.isEqualTo(ExitCode.TARGET);
	}

	@Test
	void ourExceptionAnywhereInTheCauseChainWins() {
		Throwable wrapped = new IllegalStateException("step failed",
				new CompletionException(new BadStateException("target already holds public.actor")));
		assertThat(ExitCodes.of(wrapped)).isEqualTo(ExitCode.BAD_STATE);
		assertThat(ExitCodes.message(wrapped)).isEqualTo("target already holds public.actor");
	}

	@Test
	void ourExceptionWinsOverThePostgresErrorItWraps() {
		Throwable failure = new RuntimeException(new DatabaseException(ExitCode.SOURCE,
				"reading the catalog failed on the source", "42P01", RELATION_MISSING));
		assertThat(ExitCodes.of(failure)).isEqualTo(ExitCode.SOURCE);
		assertThat(ExitCodes.message(failure)).isEqualTo("reading the catalog failed on the source");
	}

	@Test
	void ourExceptionWinsEvenWhenItIsTheCauseOfAPostgresError() {
		SQLException sql = new SQLException("callback failed", "XX000", new PgToolException("pg_dump failed"));
		assertThat(ExitCodes.of(sql)).isEqualTo(ExitCode.PG_TOOL);
	}

	@Test
	void unwrappedPostgresErrorIsExitCodeFour() {
		assertThat(ExitCodes.of(RELATION_MISSING)).isEqualTo(ExitCode.POSTGRES);
		assertThat(ExitCode.POSTGRES.code()).isEqualTo(4);
		assertThat(ExitCodes.of(new UncheckedIOException(new IOException("copy stream", RELATION_MISSING))))
			.isEqualTo(ExitCode.POSTGRES);
	}

	@Test
	void anythingElseIsAnInternalErrorNeverOne() {
		List<Throwable> failures = List.of(new NullPointerException(), new IllegalArgumentException("bad"),
				new UncheckedIOException(new IOException("disk full")), new OutOfMemoryError(),
				new Exception("checked"), new RuntimeException(new IllegalStateException("deep")));
		for (Throwable failure : failures) {
			assertThat(ExitCodes.of(failure)).as("exit code of %s", failure).isEqualTo(ExitCode.INTERNAL);
			assertThat(ExitCodes.of(failure).code()).isEqualTo(12).isNotEqualTo(1);
		}
	}

	@Test
	void messageOfAPostgresErrorIsItsFirstLine() {
		Throwable failure = new RuntimeException("wrapper", RELATION_MISSING);
		assertThat(ExitCodes.message(failure)).isEqualTo("ERROR: relation \"public.actor\" does not exist");
	}

	@Test
	void messageOfAnUnclassifiedFailureIsItsInnermostCause() {
		Throwable failure = new IllegalStateException("step copyTable:16500 failed",
				new UncheckedIOException("copy", new IOException("No space left on device")));
		assertThat(ExitCodes.message(failure)).isEqualTo("No space left on device");
	}

	@Test
	void messageWithoutTextNamesTheExceptionType() {
		assertThat(ExitCodes.message(new RuntimeException(new NullPointerException())))
			.isEqualTo("java.lang.NullPointerException");
	}

	@Test
	void messageIsOneLine() {
		List<Throwable> failures = List.of(RELATION_MISSING, new RuntimeException(RELATION_MISSING),
				new IllegalStateException("first\nsecond"),
				new BadConfigException("pg_restore: error: could not execute query"));
		for (Throwable failure : failures) {
			assertThat(ExitCodes.message(failure)).as("message of %s", failure).doesNotContain("\n").isNotBlank();
		}
	}

	@Test
	void messageOfOurExceptionIsOneLineToo() {
		assertThat(ExitCodes.message(new PgToolException("pg_restore failed: first line\nsecond line")))
			.isEqualTo("pg_restore failed: first line");
	}

	@Test
	void messageEndingInCrLfLosesTheCarriageReturn() {
		assertThat(ExitCodes.message(new IllegalStateException("first\r\nsecond"))).isEqualTo("first");
	}

	@Test
	void causeCycleIsAnInternalErrorNotAHang() {
		RuntimeException first = new RuntimeException("first");
		RuntimeException second = new RuntimeException("second", first);
		first.initCause(second);
		assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
			assertThat(ExitCodes.of(first)).isEqualTo(ExitCode.INTERNAL);
			assertThat(ExitCodes.message(first)).isNotBlank();
		});
	}

	@Test
	void mostRelevantPrefersOurFailureThenPostgresThenTheFirst() {
		Throwable internal = new IllegalStateException("boom");
		Throwable postgres = new RuntimeException(RELATION_MISSING);
		Throwable ours = new RuntimeException(new PgToolException("pg_restore failed"));
		assertThat(ExitCodes.mostRelevant(List.of(internal, postgres, ours))).isSameAs(ours);
		assertThat(ExitCodes.mostRelevant(List.of(internal, postgres))).isSameAs(postgres);
		Throwable other = new IllegalArgumentException("other");
		assertThat(ExitCodes.mostRelevant(List.of(internal, other))).isSameAs(internal);
	}

	@Test
	void mostRelevantOfNoFailureIsNull() {
		assertThat(ExitCodes.mostRelevant(List.of())).isNull();
	}

	@Test
	void tableListsEveryCodeOnceWithinEightyColumns() {
		List<String> lines = ExitCode.table().lines().toList();
		List<Integer> listed = lines.stream()
			.map((line) -> Integer.parseInt(line.strip().split("\\s+", 2)[0]))
			.toList();
		List<Integer> expected = new ArrayList<>(Arrays.stream(ExitCode.values()).map(ExitCode::code).toList());
		expected.add(143);
		assertThat(listed).containsExactlyElementsOf(expected).doesNotHaveDuplicates().contains(0, 1, 4, 8, 12, 143);
		assertThat(lines).allSatisfy((line) -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
		assertThat(lines).allSatisfy((line) -> assertThat(line.strip().split("\\s+", 2)).hasSize(2));
	}

}
