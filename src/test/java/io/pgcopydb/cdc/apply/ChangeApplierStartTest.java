package io.pgcopydb.cdc.apply;

import org.junit.jupiter.api.Test;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.apply.ChangeApplier.Start;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What apply does with a source transaction at its Begin, from the positions it knows.
 * The regression: test_decoding's Begin has no commit LSN (INVALID, before every origin
 * position), and a reader that could not give the transaction's end made apply skip every
 * transaction of the follow, which still ended 0 at endpos with the target left at the
 * clone's snapshot.
 */
class ChangeApplierStartTest {

	private static final Lsn ORIGIN = new Lsn(0x194AAC8L);

	private static final Lsn ENDPOS = new Lsn(0x1950000L);

	@Test
	void aBeginWithoutCommitLsnIsNeverSkippedWhenTheReaderCannotTellItsEnd() {
		assertThat(ChangeApplier.start(Lsn.INVALID, Lsn.INVALID, ORIGIN, Lsn.INVALID)).isEqualTo(Start.APPLY);
		assertThat(ChangeApplier.start(Lsn.INVALID, Lsn.INVALID, ORIGIN, ENDPOS)).isEqualTo(Start.ALONE);
	}

	@Test
	void theEndFromTheReaderDecidesWhateverTheBeginSays() {
		assertThat(ChangeApplier.start(new Lsn(0x194B000L), Lsn.INVALID, ORIGIN, ENDPOS)).isEqualTo(Start.APPLY);
		assertThat(ChangeApplier.start(ORIGIN, Lsn.INVALID, ORIGIN, ENDPOS)).isEqualTo(Start.SKIP);
		assertThat(ChangeApplier.start(new Lsn(0x1940000L), Lsn.INVALID, ORIGIN, ENDPOS)).isEqualTo(Start.SKIP);
		assertThat(ChangeApplier.start(ENDPOS, Lsn.INVALID, ORIGIN, ENDPOS)).isEqualTo(Start.APPLY);
		assertThat(ChangeApplier.start(new Lsn(0x1950001L), Lsn.INVALID, ORIGIN, ENDPOS)).isEqualTo(Start.STOP);
	}

	@Test
	void withoutTheEndTheCommitLsnDecidesAndANearStraddlerGoesAlone() {
		assertThat(ChangeApplier.start(Lsn.INVALID, new Lsn(0x1940000L), ORIGIN, ENDPOS)).isEqualTo(Start.SKIP);
		assertThat(ChangeApplier.start(Lsn.INVALID, ENDPOS, ORIGIN, ENDPOS)).isEqualTo(Start.STOP);
		assertThat(ChangeApplier.start(Lsn.INVALID, new Lsn(0x194B000L), ORIGIN, new Lsn(0x2000000L)))
			.isEqualTo(Start.APPLY);
		assertThat(ChangeApplier.start(Lsn.INVALID, new Lsn(0x194FF00L), ORIGIN, ENDPOS)).isEqualTo(Start.ALONE);
	}

}
