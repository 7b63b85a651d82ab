package io.pgcopydb.job.clone;

import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.filter.Filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A command of a run must have the filters its first command recorded: compared by the
 * normalised text's digest (comments, order and quoting do not matter, a regex is
 * compared as written), refused with exit 3 naming the difference and the remedy.
 */
class RunFiltersTest {

	private static final Path FILE = Path.of("/etc/pgcopydb/migration.ini");

	private static final Filters RUN = Filters.parse("""
			[exclude-schema]
			archive
			[exclude-table]
			app.customer
			~/^app\\.tmp_/
			""", FILE);

	@Test
	void theSameFiltersWrittenAnotherWayAreAccepted() {
		Filters same = Filters.parse("""
				# reordered, quoted
				[exclude-table]
				~/^app\\.tmp_/
				"app"."customer"

				[exclude-schema]
				archive
				""", Path.of("elsewhere.ini"));
		assertThatCode(() -> CloneRuns.checkSameFilters(request(same), recorded(RUN))).doesNotThrowAnyException();
		assertThatCode(() -> CloneRuns.checkSameFilters(request(Filters.NONE), recorded(Filters.NONE)))
			.doesNotThrowAnyException();
	}

	@Test
	void aRunRecordedBeforeFiltersWereRecordedIsNotCompared() {
		JobExecution old = new JobExecution(2L, new JobInstance(1L, CloneSteps.JOB), new JobParameters());
		assertThatCode(() -> CloneRuns.checkSameFilters(request(RUN), old)).doesNotThrowAnyException();
	}

	@Test
	void otherFiltersAreRefusedNamingTheDifference() {
		Filters changed = Filters.parse("""
				[exclude-schema]
				archive
				[exclude-table]
				app.customer
				app.audit_log
				~/^app\\.temp_/
				""", FILE);
		assertThatThrownBy(() -> CloneRuns.checkSameFilters(request(changed), recorded(RUN)))
			.isInstanceOfSatisfying(BadStateException.class, (ex) -> {
				assertThat(ex.exitCode()).isEqualTo(ExitCode.BAD_STATE);
			})
			.hasMessageStartingWith("--filters differ from the run's (recorded at its first command): ")
			.hasMessageContaining("added [exclude-table] app.audit_log")
			.hasMessageContaining("removed [exclude-table] ~/^app\\.tmp_/")
			.hasMessageContaining("added [exclude-table] ~/^app\\.temp_/")
			.hasMessageContaining("pass the run's filter file (digest " + RUN.digest().substring(0, 12))
			.hasMessageContaining("--restart")
			.hasMessageNotContaining("\n");
	}

	@Test
	void aCommandWithoutTheRunsFiltersOrWithFiltersTheRunHadNotIsRefused() {
		assertThatThrownBy(() -> CloneRuns.checkSameFilters(request(Filters.NONE), recorded(RUN)))
			.isInstanceOf(BadStateException.class)
			.hasMessageContaining("was started with --filters")
			.hasMessageContaining("--restart");
		assertThatThrownBy(() -> CloneRuns.checkSameFilters(request(RUN), recorded(Filters.NONE)))
			.isInstanceOf(BadStateException.class)
			.hasMessageContaining("was started without --filters")
			.hasMessageContaining("--restart");
	}

	private static JobExecution recorded(Filters filters) {
		JobExecution execution = new JobExecution(2L, new JobInstance(1L, CloneSteps.JOB), new JobParameters());
		execution.getExecutionContext().putString(CloneRuns.FILTERS_DIGEST_KEY, CloneRuns.digest(filters));
		execution.getExecutionContext().putString(CloneRuns.FILTERS_KEY, CloneRuns.normalized(filters));
		return execution;
	}

	private static CloneRequest request(Filters filters) {
		return new CloneRequest(null, null, new WorkDirectory(Path.of("/tmp/pgcopydb")), 1, 1, 1, 1, false, false,
				false, false, false, false, null, null, null, null, CloneRequest.Mode.RESUME, false, "copy data",
				Set.of(Stage.TABLE_DATA), CloneRequest.ObjectOptions.DEFAULT, filters,
				io.pgcopydb.copy.TableSlicer.Options.NONE, false);
	}

	@Test
	void skipExtensionsIsRecordedAndComparedWithOrWithoutFilters() {
		Filters skipping = Filters.NONE.skippingExtensions();
		assertThat(CloneRuns.digest(Filters.NONE)).isEmpty();
		assertThat(CloneRuns.normalized(Filters.NONE)).isEmpty();
		assertThat(CloneRuns.digest(skipping)).hasSize(64);
		assertThatCode(() -> CloneRuns.checkSameFilters(request(skipping), recorded(skipping)))
			.doesNotThrowAnyException();
		assertThatThrownBy(() -> CloneRuns.checkSameFilters(request(Filters.NONE), recorded(skipping)))
			.isInstanceOf(BadStateException.class)
			.hasMessage("the run in --dir /tmp/pgcopydb was started with --skip-extensions (recorded at its first"
					+ " command): pass --skip-extensions, or start a new run with --restart");
		assertThatThrownBy(() -> CloneRuns.checkSameFilters(request(skipping), recorded(Filters.NONE)))
			.isInstanceOf(BadStateException.class)
			.hasMessage("the run in --dir /tmp/pgcopydb was started without --filters or --skip-extensions (recorded"
					+ " at its first command): run without --skip-extensions, or start a new run with --restart");
		assertThatThrownBy(() -> CloneRuns.checkSameFilters(request(RUN.skippingExtensions()), recorded(RUN)))
			.isInstanceOf(BadStateException.class)
			.hasMessageStartingWith("--filters or --skip-extensions differ from the run's (recorded at its first"
					+ " command): added --skip-extensions; pass the run's filter file (digest ");
		assertThatThrownBy(() -> CloneRuns.checkSameFilters(request(RUN), recorded(RUN.skippingExtensions())))
			.isInstanceOf(BadStateException.class)
			.hasMessageContaining(": removed --skip-extensions; pass the run's filter file (digest ")
			.hasMessageContaining(") and --skip-extensions or start a new run with --restart");
	}

}
