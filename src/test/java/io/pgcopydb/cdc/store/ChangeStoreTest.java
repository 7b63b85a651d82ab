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
			long recovered = Files.size(file);
			assertThat(recovered).as("cut at %d", cut).isLessThanOrEqualTo(cut + SegmentFile.RECORD_HEADER_BYTES);
			assertThat(readAll(store, Lsn.INVALID)).isEqualTo(transaction(1, 0x1000, 3));
			// a second writer finds nothing more to end
			store.writer().close();
			assertThat(Files.size(file)).as("cut at %d", cut).isEqualTo(recovered);
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
	void anIncompleteTransactionSpanningFilesIsPassedOverAndSentAgainOnce() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		List<ChangeEvent> big = transaction(2, 0x2000, 500);
		try (ChangeWriter writer = store.writer()) {
			transaction(1, 0x1000, 1).forEach(writer::write);
			big.subList(0, big.size() - 1).forEach(writer::write);
			writer.sync();
		}
		assertThat(SegmentFile.list(this.dir)).hasSizeGreaterThan(2);
		try (ChangeWriter writer = store.writer()) {
			assertThat(writer.sync()).isEqualTo(new Lsn(0x1000 + 16));
		}
		assertThat(readAll(store, Lsn.INVALID)).isEqualTo(transaction(1, 0x1000, 1));
		assertThat(store.coverage().to()).isEqualTo(new Lsn(0x1000 + 16));
		try (ChangeWriter writer = store.writer()) {
			big.forEach(writer::write);
			writer.sync();
		}
		List<ChangeEvent> both = new ArrayList<>(transaction(1, 0x1000, 1));
		both.addAll(big);
		assertThat(readAll(store, Lsn.INVALID)).isEqualTo(both);
		assertThat(readAll(store, new Lsn(0x1000 + 16))).isEqualTo(big);
		// once the first is applied, the files before the second's Begin go
		store.removeUpTo(new Lsn(0x1000 + 16));
		assertThat(readAll(store, new Lsn(0x1000 + 16))).isEqualTo(big);
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
		// named after the end of the last commit before them: the first transaction ends
		// at 0x10010
		assertThat(files.get(1).path().getFileName().toString()).isEqualTo("0000000000000000.1.changes");
		assertThat(files).extracting((file) -> file.path().getFileName().toString())
			.contains("0000000000010010.changes", "0000000000020010.changes");
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
	void transactionsWithoutACommitLsnAtBeginAreEachHeldOnce() throws Exception {
		// test_decoding gives no commit LSN at BEGIN: only the commit's end is known
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		List<List<ChangeEvent>> sent = new ArrayList<>();
		for (int i = 1; i <= 4; i++) {
			sent.add(withoutCommitLsn(transaction(700 + i, 0x1000000L * i, 60)));
		}
		try (ChangeWriter writer = store.writer()) {
			sent.subList(0, 3).forEach((transaction) -> transaction.forEach(writer::write));
			assertThat(writer.sync()).isEqualTo(new Lsn(0x3000000L + 16));
		}
		// the server sends the last two again (the slot was confirmed before them), then
		// a new one
		try (ChangeWriter writer = store.writer()) {
			sent.subList(1, 4).forEach((transaction) -> transaction.forEach(writer::write));
			assertThat(writer.sync()).isEqualTo(new Lsn(0x4000000L + 16));
		}
		List<ChangeEvent> expected = new ArrayList<>();
		sent.forEach(expected::addAll);
		assertThat(readAll(store, Lsn.INVALID)).isEqualTo(expected);
		assertThat(SegmentFile.list(this.dir)).extracting(SegmentFile::lsn)
			.contains(Lsn.INVALID, new Lsn(0x1000000L + 16), new Lsn(0x2000000L + 16), new Lsn(0x3000000L + 16));
		// each Begin comes with its transaction's end, the only position there is
		try (ChangeReader reader = store.reader(new Lsn(0x2000000L + 16))) {
			assertThat(reader.next(NO_WAIT)).isEqualTo(sent.get(2).get(0));
			assertThat(reader.transactionEnd()).isEqualTo(new Lsn(0x3000000L + 16));
		}
		assertThat(store.coverage())
			.isEqualTo(new ChangeStore.Coverage(new Lsn(0x1000000L + 16), new Lsn(0x4000000L + 16), Lsn.INVALID));
	}

	@Test
	void aTransactionSentAgainWhileAReaderTailsItIsHeldOnce() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir);
		List<ChangeEvent> first = withoutCommitLsn(transaction(1, 0x1000, 3));
		List<ChangeEvent> second = withoutCommitLsn(transaction(2, 0x2000, 3));
		List<ChangeEvent> third = withoutCommitLsn(transaction(3, 0x3000, 3));
		try (ChangeWriter writer = store.writer(); ChangeReader reader = store.reader(Lsn.INVALID)) {
			first.forEach(writer::write);
			second.forEach(writer::write);
			writer.sync();
			List<ChangeEvent> expected = new ArrayList<>(first);
			expected.addAll(second);
			assertThat(drain(reader, Duration.ofMillis(50))).isEqualTo(expected);
			// the same transaction again, on disk before its Commit shows it is a
			// duplicate
			second.subList(0, second.size() - 1).forEach(writer::write);
			writer.sync();
			assertThat(reader.next(Duration.ofMillis(50))).isNull();
			writer.write(second.get(second.size() - 1));
			third.forEach(writer::write);
			writer.sync();
			assertThat(drain(reader, Duration.ofMillis(50))).isEqualTo(third);
		}
	}

	@Test
	void aReaderTailingATransactionCutByAReconnectionReadsItWhenSentAgain() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir);
		List<ChangeEvent> first = transaction(1, 0x100, 1);
		List<ChangeEvent> cut = transaction(2, 0x900, 50);
		try (ChangeReader reader = store.reader(Lsn.INVALID)) {
			ChangeWriter writer = store.writer();
			first.forEach(writer::write);
			// pgoutput describes a relation once per session: not again in this one
			cut.subList(0, cut.size() - 1)
				.stream()
				.filter((event) -> !(event instanceof ChangeEvent.Relation))
				.forEach(writer::write);
			writer.sync();
			assertThat(drain(reader, Duration.ofMillis(100))).isEqualTo(first);
			// the connection drops: a new writer, the server sends the transaction again
			writer.close();
			List<ChangeEvent> expected = new ArrayList<>(cut);
			try (ChangeWriter again = store.writer()) {
				cut.forEach(again::write);
				for (int i = 0; i < 20; i++) {
					List<ChangeEvent> next = transaction(800 + i, 0x1000 + i * 0x100, 1);
					next.forEach(again::write);
					expected.addAll(next);
				}
				again.sync();
			}
			assertThat(drain(reader, Duration.ofMillis(500))).isEqualTo(expected);
		}
	}

	@Test
	void aResumeReliesOnTheReceivedThroughRecordAndRefusesAnOriginBeforeTheFiles() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		try (ChangeWriter writer = store.writer()) {
			transaction(1, 0x1000, 1).forEach(writer::write);
			writer.sync();
			// then the stream went on without a change for us: a keepalive at 0/5000
			writer.received(new Lsn(0x5000));
		}
		ChangeStore.Held held = ChangeStore.open(this.dir).held();
		assertThat(held).isEqualTo(new ChangeStore.Held(Lsn.INVALID, new Lsn(0x5000)));
		// the slot was confirmed at the keepalive, nothing applied yet
		assertThat(held.gap(new Lsn(0x500), new Lsn(0x5000))).isNull();
		assertThat(held.gap(new Lsn(0x500), new Lsn(0x6000))).contains("hold only up to 0/5000");
		assertThat(held.gap(new Lsn(0x6000), new Lsn(0x6000))).isNull();

		// files removed once applied: an origin before what is left misses transactions
		try (ChangeWriter writer = store.writer()) {
			for (int i = 2; i <= 20; i++) {
				transaction(i, 0x10000L * i, 50).forEach(writer::write);
			}
			writer.received(writer.sync());
		}
		Lsn tenth = new Lsn(0x10000L * 10 + 16);
		assertThat(store.removeUpTo(tenth)).isPositive();
		held = store.held();
		assertThat(held.base()).isGreaterThan(new Lsn(0x1000 + 16)).isLessThanOrEqualTo(tenth);
		assertThat(held.gap(tenth, held.through())).isNull();
		assertThat(held.gap(new Lsn(0x1000 + 16), held.through())).contains("oldest change file");

		// a torn record is not relied on
		Files.write(this.dir.resolve(ChangeStore.RECEIVED_FILE), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 });
		assertThat(store.receivedThrough()).isEqualTo(Lsn.INVALID);
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

	/**
	 * test_decoding's Begin carries no commit LSN: such transactions are neither taken
	 * for duplicates of the ones held nor written over each other's files, also by a
	 * second writer (a resume).
	 */
	@Test
	void transactionsWithoutACommitLsnAtBeginAreAllKept() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir, 4096, Long.MAX_VALUE);
		List<ChangeEvent> written = new ArrayList<>();
		for (int round = 0; round < 2; round++) {
			try (ChangeWriter writer = store.writer()) {
				for (int i = 1; i <= 10; i++) {
					long xid = round * 100 + i;
					List<ChangeEvent> events = new ArrayList<>(transaction(xid, 0x10000L * xid, 20));
					events.set(0, new ChangeEvent.Begin(xid, Lsn.INVALID, null));
					events.set(events.size() - 1, new ChangeEvent.Commit(Lsn.INVALID, new Lsn(0x10000L * xid + 16),
							((ChangeEvent.Commit) events.get(events.size() - 1)).commitTime()));
					events.forEach(writer::write);
					written.addAll(events.stream().filter((e) -> !(e instanceof ChangeEvent.Relation)).toList());
				}
				writer.sync();
			}
		}
		assertThat(SegmentFile.list(this.dir)).hasSizeGreaterThan(2);
		assertThat(readAll(store, Lsn.INVALID).stream().filter((e) -> !(e instanceof ChangeEvent.Relation)).toList())
			.isEqualTo(written);
		assertThat(store.coverage().to()).isEqualTo(new Lsn(0x10000L * 110 + 16));
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

	@Test
	void textPluginTransactionsAreKeptAcrossWriters() throws Exception {
		// test_decoding: no commit LSN at Begin nor in the Commit, only its end
		ChangeStore store = ChangeStore.open(this.dir);
		List<ChangeEvent> expected = new ArrayList<>();
		try (ChangeWriter writer = store.writer()) {
			for (int xid = 1; xid <= 3; xid++) {
				List<ChangeEvent> events = textTransaction(xid, 0x1000L * xid, 2);
				events.forEach(writer::write);
				expected.addAll(events);
			}
			assertThat(writer.sync()).isEqualTo(new Lsn(0x3000 + 16));
		}
		try (ChangeWriter writer = store.writer()) {
			List<ChangeEvent> events = textTransaction(4, 0x4000, 1);
			events.forEach(writer::write);
			expected.addAll(events);
			assertThat(writer.sync()).isEqualTo(new Lsn(0x4000 + 16));
		}
		assertThat(readAll(store, Lsn.INVALID)).isEqualTo(expected);
		assertThat(inserts(readAll(store, new Lsn(0x2000 + 16)))).containsExactly("3-0", "3-1", "4-0");
	}

	@Test
	void aTransactionSentAgainWithoutACommitLsnIsDroppedAtItsCommitAndItsShapesKept() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir);
		try (ChangeWriter writer = store.writer()) {
			textTransaction(1, 0x1000, 1).forEach(writer::write);
			textTransaction(2, 0x2000, 1).forEach(writer::write);
			writer.sync();
		}
		RelationShape widened = new RelationShape(ACCOUNTS.id() + 1, "public", "pgbench_accounts", 'd',
				List.of(new RelationShape.Column("aid", 23, null, true),
						new RelationShape.Column("abalance", 23, null, false),
						new RelationShape.Column("filler", 0, "character(84)", false),
						new RelationShape.Column("note", 25, null, false)));
		try (ChangeWriter writer = store.writer()) {
			// the server sends transaction 2 again (its end is the store's), with a new
			// shape the decoder sends only once
			writer.write(new ChangeEvent.Begin(2, Lsn.INVALID, null));
			writer.write(new ChangeEvent.Relation(widened));
			writer.write(new ChangeEvent.Insert(widened.id(),
					List.of(Value.text("2-0"), Value.text("0"), Value.text("x"), Value.text("n"))));
			writer.write(new ChangeEvent.Commit(Lsn.INVALID, new Lsn(0x2000 + 16), null));
			assertThat(writer.inTransaction()).isFalse();
			writer.write(new ChangeEvent.Begin(3, Lsn.INVALID, null));
			writer.write(new ChangeEvent.Insert(widened.id(),
					List.of(Value.text("3-0"), Value.text("0"), Value.text("x"), Value.text("n"))));
			writer.write(new ChangeEvent.Commit(Lsn.INVALID, new Lsn(0x3000), null));
			assertThat(writer.sync()).isEqualTo(new Lsn(0x3000));
		}
		List<ChangeEvent> read = readAll(store, Lsn.INVALID);
		assertThat(inserts(read)).containsExactly("1-0", "2-0", "3-0");
		assertThat(read.stream().filter(ChangeEvent.Begin.class::isInstance).count()).isEqualTo(3);
		assertThat(readAll(store, new Lsn(0x2000 + 16))).contains(new ChangeEvent.Relation(widened));
	}

	@Test
	void aTransactionSentAgainWithItsCommitLsnKeepsTheShapesItCarried() throws Exception {
		ChangeStore store = ChangeStore.open(this.dir);
		try (ChangeWriter writer = store.writer()) {
			transaction(1, 0x1000, 1).forEach(writer::write);
			writer.sync();
		}
		try (ChangeWriter writer = store.writer()) {
			transaction(1, 0x1000, 1).forEach(writer::write);
			writer.write(new ChangeEvent.Begin(2, new Lsn(0x2000), null));
			writer.write(new ChangeEvent.Insert(ACCOUNTS.id(), List.of(Value.text("2-0"), Value.NULL, Value.NULL)));
			writer.write(new ChangeEvent.Commit(new Lsn(0x2000), new Lsn(0x2010), null));
			writer.sync();
		}
		assertThat(inserts(readAll(store, Lsn.INVALID))).containsExactly("1-0", "2-0");
		assertThat(readAll(store, new Lsn(0x1010))).contains(new ChangeEvent.Relation(ACCOUNTS));
	}

	private static List<ChangeEvent> textTransaction(long xid, long end, int rows) {
		List<ChangeEvent> events = transaction(xid, end, rows);
		events.set(0, new ChangeEvent.Begin(xid, Lsn.INVALID, null));
		events.set(events.size() - 1, new ChangeEvent.Commit(Lsn.INVALID, new Lsn(end + 16), null));
		return events;
	}

	private static List<String> inserts(List<ChangeEvent> events) {
		return events.stream()
			.filter(ChangeEvent.Insert.class::isInstance)
			.map((event) -> ((ChangeEvent.Insert) event).newRow().get(0).text())
			.toList();
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

	/** {@code events} as test_decoding gives them: no commit LSN, only the end. */
	private static List<ChangeEvent> withoutCommitLsn(List<ChangeEvent> events) {
		return events.stream().map((event) -> {
			if (event instanceof ChangeEvent.Begin begin) {
				return (ChangeEvent) new ChangeEvent.Begin(begin.xid(), Lsn.INVALID, null);
			}
			if (event instanceof ChangeEvent.Commit commit) {
				return new ChangeEvent.Commit(Lsn.INVALID, commit.endLsn(), commit.commitTime());
			}
			return event;
		}).toList();
	}

	/** What {@code reader} returns until it waits {@code quiet} in vain. */
	private static List<ChangeEvent> drain(ChangeReader reader, Duration quiet) throws InterruptedException {
		List<ChangeEvent> events = new ArrayList<>();
		for (ChangeEvent event = reader.next(quiet); event != null; event = reader.next(quiet)) {
			events.add(event);
		}
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
