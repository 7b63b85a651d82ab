package io.pgcopydb.cli;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link JobControlIT}'s progress, job list, show and stop with the runs kept in a
 * PostgreSQL repository (--repository-url) instead of the file in --dir.
 */
@ExtendWith(SharedRepositoryExtension.class)
class JobControlOnSharedRepositoryIT extends JobControlIT {

}
