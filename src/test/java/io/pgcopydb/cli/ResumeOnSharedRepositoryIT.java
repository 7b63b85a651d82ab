package io.pgcopydb.cli;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

/**
 * {@link ResumeIT}'s kill -9 and resume, with the runs kept in a PostgreSQL repository
 * (--repository-url) instead of the file in --dir: the run is refused to a second
 * process, recovered once its process is gone, resumed, and ends identical. (Its SIGTERM
 * and snapshot tests add nothing the repository could change; the suite can run every
 * test on a PostgreSQL repository with {@code -Dit.repository-url=...}.)
 */
@ExtendWith({ PostgresExtension.class, SharedRepositoryExtension.class })
class ResumeOnSharedRepositoryIT {

	@Test
	void killedMidCopyThenResumedEndsIdenticalAndRefusesWhatWouldBeWrong(PgServers servers, @TempDir Path dir)
			throws Exception {
		new ResumeIT().killedMidCopyThenResumedEndsIdenticalAndRefusesWhatWouldBeWrong(servers, dir);
	}

}
