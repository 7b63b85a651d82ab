package io.pgcopydb.progress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StallWatcherTest {

	@Test
	void aChildToolIsNamedByItsPurposeWithOrWithoutTheUsersApplicationName() {
		String prefix = "pgcopydb[k3x9a1m2] ";
		assertThat(StallWatcher.purpose("pgcopydb[k3x9a1m2] pg_restore", prefix)).isEqualTo("pg_restore");
		assertThat(StallWatcher.purpose("pgcopydb[k3x9a1m2] nightly: pg_dump", prefix)).isEqualTo("pg_dump");
		assertThat(StallWatcher.purpose("pgcopydb[k3x9a1m2", prefix)).isEmpty();
	}

}
