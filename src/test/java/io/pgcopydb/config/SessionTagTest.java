package io.pgcopydb.config;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tag that heads every application_name of one process. */
class SessionTagTest {

	@Test
	void theTagComesFirstSoThatTruncationAt63BytesKeepsIt() {
		SessionTag tag = new SessionTag("k3x9a1m2");

		assertThat(tag.applicationName(Optional.empty(), "copy public.events"))
			.isEqualTo("pgcopydb[k3x9a1m2] copy public.events");
		assertThat(tag.applicationName(Optional.of("nightly"), "copy public.events"))
			.isEqualTo("pgcopydb[k3x9a1m2] nightly: copy public.events");
	}

	@Test
	void aTagIsReadBackFromAnApplicationNameOnlyWhenItIsOurs() {
		assertThat(SessionTag.of("pgcopydb[k3x9a1m2] index public.t_pkey")).contains(new SessionTag("k3x9a1m2"));
		assertThat(SessionTag.of("pgcopydb[k3x9a1m2]")).contains(new SessionTag("k3x9a1m2"));
		assertThat(SessionTag.of("pgcopydb copy")).isEmpty();
		assertThat(SessionTag.of("x pgcopydb[k3x9a1m2]")).isEmpty();
		assertThat(SessionTag.of(null)).isEmpty();
	}

	@Test
	void oneProcessHasOneTag() {
		assertThat(SessionTag.current()).isSameAs(SessionTag.current());
		assertThat(SessionTag.of(SessionTag.current().applicationName(Optional.empty(), "x")))
			.contains(SessionTag.current());
	}

}
