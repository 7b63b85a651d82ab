package io.pgcopydb.cli;

import org.junit.jupiter.api.Test;

import io.pgcopydb.error.BadArgumentsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizeOptionTest {

	@Test
	void sizesReadAsPostgreSqlWritesThem() {
		assertThat(SizeOption.parse("--x", "0")).isZero();
		assertThat(SizeOption.parse("--x", "1048576")).isEqualTo(1 << 20);
		assertThat(SizeOption.parse("--x", "10GB")).isEqualTo(10L << 30);
		assertThat(SizeOption.parse("--x", "500 MB")).isEqualTo(500L << 20);
		assertThat(SizeOption.parse("--x", "64kB")).isEqualTo(64L << 10);
		assertThat(SizeOption.parse("--x", "2tb")).isEqualTo(2L << 40);
	}

	@Test
	void anythingElseIsRefusedNamingTheOption() {
		for (String bad : new String[] { "", "ten", "10 XB", "-5", "1.5GB", "99999999999999TB" }) {
			assertThatThrownBy(() -> SizeOption.parse("--split-tables-larger-than", bad)).as(bad)
				.isInstanceOf(BadArgumentsException.class)
				.hasMessageContaining("--split-tables-larger-than takes a size such as 10GB");
		}
	}

	@Test
	void splitOptionsDefaultTheirPartsToTableJobs() {
		assertThat(CloneOptions.split("1GB", 0, 6, false).maxParts()).isEqualTo(6);
		assertThat(CloneOptions.split("1GB", 3, 6, true).byCtid()).isFalse();
		assertThatThrownBy(() -> CloneOptions.split("1GB", -1, 6, false)).isInstanceOf(BadArgumentsException.class);
	}

}
