package io.pgcopydb.cli;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.error.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code job restart ID} resumes the run it names: options that contradict that are bad
 * arguments, and an id in a --dir that records no run is a bad state, both refused before
 * any server is contacted.
 */
class JobRestartTest {

	@Test
	void restartWithRestartIsABadArgument(@TempDir Path dir) {
		assertThat(PgCopyDbCommand.execute("job", "restart", "7", "--restart", "--dir", dir.toString()))
			.isEqualTo(ExitCode.BAD_ARGUMENTS.code());
	}

	@Test
	void restartInADirWithoutRunsIsABadState(@TempDir Path dir) {
		assertThat(PgCopyDbCommand.execute("job", "restart", "7", "--dir", dir.toString()))
			.isEqualTo(ExitCode.BAD_STATE.code());
		assertThat(dir.resolve("pgcopydb.db")).as("nothing recorded").doesNotExist();
	}

}
