package io.pgcopydb.cdc.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;
import io.pgcopydb.error.BadConfigException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeStoreTest {

	private static final Duration NO_WAIT = Duration.ZERO;

	private static final RelationShape ACCOUNTS = new RelationShape(16384, "public", "pgbench_accounts", 'd',
			List.of(new RelationShape.Column("aid", 23, null, true),
					new RelationShape.Column("abalance", 23, null, false),
					new RelationShape.Column("filler", 0, "character(84)", false)));

	private static final RelationShape HISTORY = new RelationShape(16390, "Sales", "history \"2024\"", 'f',
			List.of(new RelationShape.Column("tid", 20, "bigint", false)));

	@TempDir
	Path dir;

	@Test
	void everyEventKindAndValueKindRoundTrips() throws Exception {
		Instant time = Instant.parse("2024-02-29T23:59:59.123456Z");
		List<ChangeEvent> events = List.of(new ChangeEvent.Begin(4_000_000_000L, new Lsn(0x1_0000_0100L), time),
				new ChangeEvent.Relation(ACCOUNTS), new ChangeEvent.Relation(HISTORY),
				new ChangeEvent.Insert(16384,
						List.of(Value.text("1"), Value.text("-9223372036854775808"), Value.text("été 🐘 \u0000x"))),
				new ChangeEvent.Insert(16384, List.of(Value.text(""), Value.NULL, Value.UNCHANGED)),
				new ChangeEvent.Update(16384, null, false,
						List.of(Value.text("2"), Value.text("1.00007e+06"), Value.UNCHANGED)),
				new ChangeEvent.Update(16390, List.of(Value.text("7")), true, List.of(Value.text("8"))),
				new ChangeEvent.Delete(16384, List.of(Value.text("3"), Value.NULL, Value.NULL), false),
				new ChangeEvent.Delete(16390, List.of(Value.text("8")), true),
				new ChangeEvent.Truncate(List.of(16384L, 16390L), true, false),
				new ChangeEvent.Truncate(List.of(), false, true),
				new ChangeEvent.Commit(new Lsn(0x1_0000_0100L), new Lsn(0x1_0000_0130L), time),
				new ChangeEvent.Begin(1, new Lsn(0x1_0000_0200L), null), new ChangeEvent.Commit(new Lsn(0x1_0000_0200L),
						new Lsn(0xFFFF_FFFF_FFFF_FFF0L), Instant.parse("1970-01-01T00:00:00Z").minusNanos(1000)));
		ChangeStore store = ChangeStore.open(this.dir);
		try (ChangeWriter writer = store.writer()) {
			events.forEach(writer::write);
			assertThat(writer.sync()).isEqualTo(new Lsn(0xFFFF_FFFF_FFFF_FFF0L));
		}
		assertThat(readAll(store, Lsn.INVALID)).isEqualTo(events);
	}

	@Test
	void aTornTailIsDroppedAtEveryByteOfTheLastRecord() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir);
		try (ChangeWriter writer = store.writer()) {
			transaction(1, 0x1000, 3).forEach(writer::write);
			writer.sync();
		}
		Path file = onlyFile();
		long complete = Files.size(file);
		try (ChangeWriter writer = store.writer()) {
			transaction(2, 0x2000, 2).forEach(writer::write);
			writer.sync();
		}
		byte[] full = Files.readAllBytes(file);
		// every byte of the last record (the Commit), and inside the transaction's others
		long lastRecord = full.length - SegmentFile.RECORD_HEADER_BYTES - 24;
		List<Long> cuts = new ArrayList<>(List.of(complete, complete + 1, complete + 5, (complete + lastRecord) / 2));
		for (long cut = lastRecord; cut < full.length; cut++) {
			cuts.add(cut);
		}
		for (long cut : cuts) {
			Files.write(file, Arrays.copyOf(full, (int) cut));
			try (ChangeWriter writer = store.writer()) {
				assertThat(writer.sync()).as("cut at %d", cut).isEqualTo(new Lsn(0x1000 + 16));
			}
			assertThat(Files.size(file)).as("cut at %d", cut).isEqualTo(complete);
			assertThat(readAll(store, Lsn.INVALID)).isEqualTo(transaction(1, 0x1000, 3));
			// the source sends the transaction again: it is held once
			try (ChangeWriter writer = store.writer()) {
				transaction(1, 0x1000, 3).forEach(writer::write);
				transaction(2, 0x2000, 2).forEach(writer::write);
				assertThat(writer.sync()).isEqualTo(new Lsn(0x2000 + 16));
			}
			List<ChangeEvent> both = new ArrayList<>(transaction(1, 0x1000, 3));
			both.addAll(transaction(2, 0x2000, 2));
			assertThat(readAll(store, Lsn.INVALID)).isEqualTo(both);
		}
		// a damaged byte in the last record also counts as torn
		full[full.length - 2] ^= 0x55;
		Files.write(file, full);
		try (ChangeWriter writer = store.writer()) {
			assertThat(writer.sync()).isEqualTo(new Lsn(0x1000 + 16));
		}
	}

	@Test
	void aFileHoldingOnlyAnIncompleteTransactionIsRemoved() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		try (ChangeWriter writer = store.writer()) {
			transaction(1, 0x1000, 1).forEach(writer::write);
			List<ChangeEvent> big = transaction(2, 0x2000, 500);
			big.subList(0, big.size() - 1).forEach(writer::write);
			writer.sync();
		}
		assertThat(SegmentFile.list(this.dir)).hasSizeGreaterThan(2);
		try (ChangeWriter writer = store.writer()) {
			assertThat(writer.sync()).isEqualTo(new Lsn(0x1000 + 16));
		}
		assertThat(SegmentFile.list(this.dir)).hasSize(1);
		assertThat(readAll(store, Lsn.INVALID)).isEqualTo(transaction(1, 0x1000, 1));
	}

	@Test
	void aTransactionLargerThanAFileSpansFiles() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		List<ChangeEvent> expected = new ArrayList<>();
		try (ChangeWriter writer = store.writer()) {
			for (int i = 0; i < 3; i++) {
				List<ChangeEvent> transaction = transaction(i, 0x10000L * (i + 1), 2000);
				transaction.forEach(writer::write);
				expected.addAll(transaction);
			}
			writer.sync();
		}
		List<SegmentFile> files = SegmentFile.list(this.dir);
		assertThat(files).hasSizeGreaterThan(20);
		assertThat(files.get(1).path().getFileName().toString()).isEqualTo("0000000000010000.1.changes");
		assertThat(readAll(store, Lsn.INVALID)).isEqualTo(expected);
	}

	@Test
	void aReaderSeesNoPartOfATransactionBeforeItsCommit() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		List<ChangeEvent> transaction = transaction(1, 0x1000, 300);
		try (ChangeWriter writer = store.writer(); ChangeReader reader = store.reader(Lsn.INVALID)) {
			for (ChangeEvent event : transaction.subList(0, transaction.size() - 1)) {
				writer.write(event);
			}
			writer.sync();
			assertThat(writer.inTransaction()).isTrue();
			assertThat(reader.next(Duration.ofMillis(50))).isNull();
			writer.write(transaction.get(transaction.size() - 1));
			List<ChangeEvent> read = new ArrayList<>();
			for (ChangeEvent event = reader.next(Duration.ofSeconds(5)); event != null; event = reader
				.next(Duration.ofMillis(50))) {
				read.add(event);
			}
			assertThat(read).isEqualTo(transaction);
		}
	}

	@Test
	void aReaderFollowsAWriterThread() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 64 * 1024, Long.MAX_VALUE);
		int transactions = 2000;
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread receive = new Thread(() -> {
			try (ChangeWriter writer = store.writer()) {
				for (int i = 0; i < transactions; i++) {
					transaction(i, 0x100L * (i + 1), 1 + i % 7).forEach(writer::write);
					if (i % 100 == 0) {
						writer.sync();
					}
				}
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		receive.start();
		int commits = 0;
		int rows = 0;
		long lastEnd = 0;
		// a second store instance: the writer gives it no signal, as from another process
		try (ChangeReader reader = ChangeStore.open(this.dir).reader(Lsn.INVALID)) {
			while (commits < transactions) {
				ChangeEvent event = reader.next(Duration.ofSeconds(10));
				assertThat(event).as("event after %d commits", commits).isNotNull();
				if (event instanceof ChangeEvent.Commit commit) {
					assertThat(commit.endLsn().value()).isGreaterThan(lastEnd);
					lastEnd = commit.endLsn().value();
					commits++;
				}
				else if (event instanceof ChangeEvent.Insert) {
					rows++;
				}
			}
		}
		receive.join();
		assertThat(failure.get()).isNull();
		int expectedRows = 0;
		for (int i = 0; i < transactions; i++) {
			expectedRows += 1 + i % 7;
		}
		assertThat(rows).isEqualTo(expectedRows);
		assertThat(SegmentFile.list(this.dir)).hasSizeGreaterThan(1);
	}

	@Test
	void aReaderPassesOverTransactionsEndingAtOrBeforeAfter() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir);
		try (ChangeWriter writer = store.writer()) {
			for (int i = 1; i <= 5; i++) {
				transaction(i, 0x1000L * i, 2).forEach(writer::write);
			}
			writer.sync();
		}
		// after = the end of transaction 3
		List<ChangeEvent> read = readAll(store, new Lsn(0x3000 + 16));
		assertThat(read.stream().filter(ChangeEvent.Begin.class::isInstance).map((e) -> ((ChangeEvent.Begin) e).xid()))
			.containsExactly(4L, 5L);
		// the relation sent in transaction 1 is returned before the first row
		assertThat(read.get(1)).isEqualTo(new ChangeEvent.Relation(ACCOUNTS));
		assertThat(readAll(store, new Lsn(0x5000 + 16))).isEmpty();
		assertThat(readAll(store, new Lsn(0x5000 + 15))).hasSize(5);
	}

	@Test
	void removeUpToKeepsTheFilesStillNeeded() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		try (ChangeWriter writer = store.writer()) {
			for (int i = 1; i <= 40; i++) {
				transaction(i, 0x1000L * i, 20).forEach(writer::write);
			}
			writer.sync();
			int before = SegmentFile.list(this.dir).size();
			assertThat(store.removeUpTo(Lsn.INVALID)).isZero();
			Lsn applied = new Lsn(0x1000L * 20 + 16);
			assertThat(store.removeUpTo(applied)).isPositive();
			assertThat(SegmentFile.list(this.dir)).hasSizeLessThan(before);
			List<ChangeEvent> read = readAll(store, applied);
			assertThat(read.stream().filter(ChangeEvent.Begin.class::isInstance).count()).isEqualTo(20);
			assertThat(((ChangeEvent.Begin) read.get(0)).xid()).isEqualTo(21);
			assertThat(store.coverage().covers(applied, new Lsn(0x1000L * 40 + 16))).isTrue();
			// the newest file stays, the writer appends to it
			store.removeUpTo(new Lsn(Long.MAX_VALUE));
			assertThat(SegmentFile.list(this.dir)).hasSize(1);
			transaction(41, 0x1000L * 41, 1).forEach(writer::write);
			assertThat(writer.sync()).isEqualTo(new Lsn(0x1000L * 41 + 16));
		}
	}

	@Test
	void aBigTransactionStaysUntilItsEndIsApplied() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		try (ChangeWriter writer = store.writer()) {
			transaction(1, 0x1000, 1).forEach(writer::write);
			transaction(2, 0x2000, 500).forEach(writer::write);
			transaction(3, 0x3000, 1).forEach(writer::write);
			writer.sync();
		}
		store.removeUpTo(new Lsn(0x1000 + 16));
		List<ChangeEvent> read = readAll(store, new Lsn(0x1000 + 16));
		assertThat(read.stream().filter(ChangeEvent.Begin.class::isInstance).count()).isEqualTo(2);
		store.removeUpTo(new Lsn(0x2000 + 16));
		assertThat(readAll(store, new Lsn(0x2000 + 16))).isEqualTo(transaction(3, 0x3000, 1));
	}

	@Test
	void aReaderStartingInALaterFileKnowsTheRelations() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		try (ChangeWriter writer = store.writer()) {
			writer.write(new ChangeEvent.Begin(1, new Lsn(0x1000), Instant.EPOCH));
			writer.write(new ChangeEvent.Relation(HISTORY));
			writer.write(new ChangeEvent.Insert(HISTORY.id(), List.of(Value.text("1"))));
			writer.write(new ChangeEvent.Commit(new Lsn(0x1000), new Lsn(0x1010), Instant.EPOCH));
			for (int i = 2; i <= 30; i++) {
				transaction(i, 0x1000L * i, 20).forEach(writer::write);
			}
			writer.write(new ChangeEvent.Begin(31, new Lsn(0x40000), Instant.EPOCH));
			writer.write(new ChangeEvent.Insert(HISTORY.id(), List.of(Value.text("2"))));
			writer.write(new ChangeEvent.Commit(new Lsn(0x40000), new Lsn(0x40010), Instant.EPOCH));
			writer.sync();
		}
		Lsn applied = new Lsn(0x1000L * 30 + 16);
		assertThat(store.removeUpTo(applied)).isPositive();
		assertThat(readAll(store, applied)).containsExactly(new ChangeEvent.Begin(31, new Lsn(0x40000), Instant.EPOCH),
				new ChangeEvent.Relation(HISTORY), new ChangeEvent.Insert(HISTORY.id(), List.of(Value.text("2"))),
				new ChangeEvent.Commit(new Lsn(0x40000), new Lsn(0x40010), Instant.EPOCH));
	}

	@Test
	void coverageSpansTheCompleteTransactionsHeld() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		assertThat(store.coverage()).isNull();
		assertThat(store.diskBytes()).isZero();
		try (ChangeWriter writer = store.writer()) {
			for (int i = 1; i <= 30; i++) {
				transaction(i, 0x1000L * i, 20).forEach(writer::write);
			}
			List<ChangeEvent> open = transaction(31, 0x1000L * 31, 20);
			open.subList(0, 10).forEach(writer::write);
			writer.sync();
			ChangeStore.Coverage coverage = store.coverage();
			assertThat(coverage.from()).isEqualTo(new Lsn(0x1000 + 16));
			assertThat(coverage.to()).isEqualTo(new Lsn(0x1000L * 30 + 16));
			assertThat(coverage.base()).isEqualTo(Lsn.INVALID);
			store.removeUpTo(new Lsn(0x1000L * 10 + 16));
			coverage = store.coverage();
			assertThat(coverage.base()).isBetween(new Lsn(0x1000L * 5), new Lsn(0x1000L * 10 + 16));
			assertThat(coverage.covers(new Lsn(0x1000L * 10 + 16), new Lsn(0x1000L * 30 + 16))).isTrue();
			assertThat(coverage.covers(new Lsn(0x1000L * 10 + 16), new Lsn(0x1000L * 31 + 16))).isFalse();
			assertThat(coverage.covers(new Lsn(0x1000 + 16), new Lsn(0x1000L * 30 + 16))).isFalse();
			assertThat(store.diskBytes()).isPositive();
		}
	}

	@Test
	void aShortFileSystemIsReportedWithTheRoomNeeded() {
		ChangeStore store = ChangeStore.open(this.dir.resolve("cdc"));
		assertThat(store.checkDiskUse(1)).isZero();
		assertThatThrownBy(() -> store.checkDiskUse(Long.MAX_VALUE)).isInstanceOf(BadConfigException.class)
			.hasMessageContaining("--dir " + this.dir)
			.hasMessageContaining("MB free");
	}

	/**
	 * Not a timed test: prints the write and read rates of pgbench-like transactions.
	 */
	@Test
	void throughputIsPrinted() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir);
		int transactions = 50_000;
		long events = 0;
		long syncNanos = 0;
		long start = System.nanoTime();
		try (ChangeWriter writer = store.writer()) {
			for (int i = 1; i <= transactions; i++) {
				Lsn lsn = new Lsn(0x1000L * i);
				writer.write(new ChangeEvent.Begin(i, lsn, Instant.EPOCH));
				if (i == 1) {
					writer.write(new ChangeEvent.Relation(ACCOUNTS));
				}
				for (int row = 0; row < 3; row++) {
					writer.write(new ChangeEvent.Update(ACCOUNTS.id(), null, false, List.of(Value.text("" + i),
							Value.text("" + (i * 31 % 5000 - 2500)), Value.text("                    "))));
				}
				writer.write(new ChangeEvent.Insert(ACCOUNTS.id(),
						List.of(Value.text("" + i), Value.text("42"), Value.text("2024-01-01 00:00:00.123456+00"))));
				writer.write(new ChangeEvent.Commit(lsn, new Lsn(lsn.value() + 16), Instant.EPOCH));
				events += 6;
				if (i % 10_000 == 0) {
					long syncStart = System.nanoTime();
					writer.sync();
					syncNanos += System.nanoTime() - syncStart;
				}
			}
		}
		double writeSeconds = (System.nanoTime() - start) / 1e9;
		long bytes = store.diskBytes();
		start = System.nanoTime();
		long read = 0;
		try (ChangeReader reader = store.reader(Lsn.INVALID)) {
			while (reader.next(NO_WAIT) != null) {
				read++;
			}
		}
		double readSeconds = (System.nanoTime() - start) / 1e9;
		System.out.printf(
				"change store: wrote %d events (%d MB) at %.0f events/s, %.0f MB/s (fsync %.1f s of it);"
						+ " read at %.0f events/s, %.0f MB/s%n",
				events, bytes >> 20, events / writeSeconds, bytes / writeSeconds / (1 << 20), syncNanos / 1e9,
				read / readSeconds, bytes / readSeconds / (1 << 20));
		assertThat(read).isEqualTo(events + 1);
	}

	private static List<ChangeEvent> transaction(long xid, long lsn, int rows) {
		List<ChangeEvent> events = new ArrayList<>();
		Instant time = Instant.ofEpochSecond(1_700_000_000L + xid, 123_456_000);
		events.add(new ChangeEvent.Begin(xid, new Lsn(lsn), time));
		events.add(new ChangeEvent.Relation(ACCOUNTS));
		for (int i = 0; i < rows; i++) {
			events.add(new ChangeEvent.Insert(ACCOUNTS.id(),
					List.of(Value.text(xid + "-" + i), Value.text("" + i), Value.text("x".repeat(20)))));
		}
		events.add(new ChangeEvent.Commit(new Lsn(lsn), new Lsn(lsn + 16), time));
		return events;
	}

	private static List<ChangeEvent> readAll(ChangeStore store, Lsn after) throws InterruptedException {
		List<ChangeEvent> events = new ArrayList<>();
		try (ChangeReader reader = store.reader(after)) {
			for (ChangeEvent event = reader.next(NO_WAIT); event != null; event = reader.next(NO_WAIT)) {
				events.add(event);
			}
		}
		return events;
	}

	private Path onlyFile() throws IOException {
		List<SegmentFile> files = SegmentFile.list(this.dir);
		assertThat(files).hasSize(1);
		return files.get(0).path();
	}

}
