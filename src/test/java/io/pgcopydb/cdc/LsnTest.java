package io.pgcopydb.cdc;

import org.junit.jupiter.api.Test;

import io.pgcopydb.error.BadArgumentsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LsnTest {

	@Test
	void parsesAndPrintsAsPostgresqlDoes() {
		Lsn lsn = Lsn.parse("16/B374D848", "--endpos");
		assertThat(lsn.value()).isEqualTo(0x16B374D848L);
		assertThat(lsn.asString()).isEqualTo("16/B374D848");
		assertThat(Lsn.parse(" 0/16b6c50 ", "--endpos").asString()).isEqualTo("0/16B6C50");
		assertThat(Lsn.INVALID.asString()).isEqualTo("0/0");
		assertThat(Lsn.INVALID.isValid()).isFalse();
		assertThat(Lsn.ofNullable(null)).isNull();
		assertThat(Lsn.ofNullable("0/1")).isEqualTo(new Lsn(1));
	}

	@Test
	void comparesUnsigned() {
		Lsn high = Lsn.parse("FFFFFFFF/FFFFFFFF", "test");
		Lsn low = Lsn.parse("0/1", "test");
		assertThat(high.value()).isNegative();
		assertThat(high.isAfter(low)).isTrue();
		assertThat(low.isBefore(high)).isTrue();
		assertThat(high.asString()).isEqualTo("FFFFFFFF/FFFFFFFF");
		assertThat(Lsn.parse("1/0", "t").bytesAfter(Lsn.parse("0/FFFFFFFF", "t"))).isEqualTo(1);
		assertThat(low.bytesAfter(high)).isZero();
	}

	@Test
	void malformedTextIsRefusedNamingTheOption() {
		for (String bad : new String[] { "", "16B374D848", "/1", "1/", "G/1", "123456789/1", "1/123456789", "-1/2" }) {
			assertThatThrownBy(() -> Lsn.parse(bad, "--endpos")).as(bad)
				.isInstanceOf(BadArgumentsException.class)
				.hasMessageStartingWith("--endpos: ");
		}
		assertThatThrownBy(() -> Lsn.parse(null, "--startpos")).isInstanceOf(BadArgumentsException.class)
			.hasMessageStartingWith("--startpos: ");
	}

}
