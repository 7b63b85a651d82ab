package io.pgcopydb.cdc.receive;

import org.junit.jupiter.api.Test;

import io.pgcopydb.cdc.Lsn;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the follow's progress line and {@code job show} warn about the slot: the source no
 * longer reserves its WAL, has removed it, or is close to the limit.
 */
class SlotHealthTest {

	private static SlotHealth slot(String walStatus, Long safeWalSize) {
		return new SlotHealth("s1", true, walStatus, safeWalSize, 64L * 1024 * 1024, Lsn.parse("0/1000000", "lsn"),
				Lsn.parse("0/2000000", "lsn"));
	}

	@Test
	void aReservedSlotWithoutLimitOrFarFromItIsFine() {
		assertThat(slot("reserved", null).warning()).isNull();
		assertThat(slot("extended", 10L * 1024 * 1024 * 1024).warning()).isNull();
	}

	@Test
	void unreservedAndLostAreWarnedWithTheRemedy() {
		assertThat(slot("unreserved", -5L).warning()).contains("s1", "wal_status unreserved", "64 MB",
				"max_slot_wal_keep_size");
		assertThat(slot("lost", null).warning()).contains("s1 is lost", "--restart");
	}

	@Test
	void littleSafeWalLeftIsWarned() {
		assertThat(slot("reserved", 100L * 1024 * 1024).warning()).contains("100 MB of WAL away from being lost",
				"safe_wal_size");
	}

}
