package io.pgcopydb.pg;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteSizeTest {

	@Test
	void printsWhatPgSizePrettyPrints() {
		// values and results from PostgreSQL 15's pg_size_pretty(bigint)
		assertThat(ByteSize.pretty(0)).isEqualTo("0 bytes");
		assertThat(ByteSize.pretty(8192)).isEqualTo("8192 bytes");
		assertThat(ByteSize.pretty(10239)).isEqualTo("10239 bytes");
		assertThat(ByteSize.pretty(10240)).isEqualTo("10 kB");
		assertThat(ByteSize.pretty(10752)).isEqualTo("11 kB");
		assertThat(ByteSize.pretty(10751)).isEqualTo("10 kB");
		assertThat(ByteSize.pretty(10L * 1024 * 1024 - 1)).isEqualTo("10240 kB");
		assertThat(ByteSize.pretty(10L * 1024 * 1024)).isEqualTo("10 MB");
		assertThat(ByteSize.pretty(123456789012L)).isEqualTo("115 GB");
		assertThat(ByteSize.pretty(Long.MAX_VALUE)).isEqualTo("8192 PB");
	}

}
