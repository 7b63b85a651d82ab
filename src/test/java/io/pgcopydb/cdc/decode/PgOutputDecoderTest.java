package io.pgcopydb.cdc.decode;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.cdc.Lsn;

import static io.pgcopydb.cdc.decode.PgOutputMessages.UNCHANGED;
import static io.pgcopydb.cdc.decode.PgOutputMessages.begin;
import static io.pgcopydb.cdc.decode.PgOutputMessages.commit;
import static io.pgcopydb.cdc.decode.PgOutputMessages.insert;
import static io.pgcopydb.cdc.decode.PgOutputMessages.message;
import static io.pgcopydb.cdc.decode.PgOutputMessages.relation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgOutputDecoderTest {

	private static final Lsn AT = Lsn.parse("0/16B6C50", "test");

	/** 2026-01-02 03:04:05.123456 UTC in microseconds since 2000-01-01. */
	private static final long MICROS = (Instant.parse("2026-01-02T03:04:05.123456Z").getEpochSecond() - 946_684_800L)
			* 1_000_000L + 123_456L;

	private final List<ChangeEvent> events = new ArrayList<>();

	private void feed(ChangeDecoder decoder, ByteBuffer... messages) {
		for (ByteBuffer message : messages) {
			decoder.decode(AT, message, this.events::add);
		}
	}

	@Test
	void aTransactionOfEveryMessageKind() {
		PgOutputDecoder decoder = new PgOutputDecoder(List.of("pub"));
		feed(decoder, begin(0x1000, MICROS, 734), message('O').int64(5).string("elsewhere").build(),
				message('Y').int32(16400).string("public").string("MyType").build(),
				relation(null, 16384, "public", "t", 'd', 1, "id", "v", "big"), insert(null, 16384, "1", "it's", null),
				message('U').int32(16384).byte1('N').tuple("1", "", UNCHANGED).build(),
				message('U').int32(16384)
					.byte1('K')
					.tuple("1", null, null)
					.byte1('N')
					.tuple("2", "x", UNCHANGED)
					.build(),
				message('D').int32(16384).byte1('K').tuple("2", null, null).build(),
				message('M').byte1(1).int64(7).string("prefix").int32(1).byte1('x').build(),
				message('T').int32(1).byte1(3).int32(16384).build(), commit(0x1000, 0x1030, MICROS));
		assertThat(this.events).hasSize(8);
		assertThat(this.events.get(0))
			.isEqualTo(new ChangeEvent.Begin(734, new Lsn(0x1000), Instant.parse("2026-01-02T03:04:05.123456Z")));
		RelationShape shape = ((ChangeEvent.Relation) this.events.get(1)).shape();
		assertThat(shape.id()).isEqualTo(16384);
		assertThat(shape.qualifiedName()).isEqualTo("\"public\".\"t\"");
		assertThat(shape.columns()).extracting(RelationShape.Column::key).containsExactly(true, false, false);
		assertThat(this.events.get(2))
			.isEqualTo(new ChangeEvent.Insert(16384, List.of(Value.text("1"), Value.text("it's"), Value.NULL)));
		ChangeEvent.Update keeping = (ChangeEvent.Update) this.events.get(3);
		assertThat(keeping.oldRow()).isNull();
		assertThat(keeping.newRow()).containsExactly(Value.text("1"), Value.text(""), Value.UNCHANGED);
		ChangeEvent.Update keyChange = (ChangeEvent.Update) this.events.get(4);
		assertThat(keyChange.oldRow()).containsExactly(Value.text("1"), Value.NULL, Value.NULL);
		assertThat(keyChange.oldIsFullRow()).isFalse();
		assertThat(this.events.get(5))
			.isEqualTo(new ChangeEvent.Delete(16384, List.of(Value.text("2"), Value.NULL, Value.NULL), false));
		assertThat(this.events.get(6)).isEqualTo(new ChangeEvent.Truncate(List.of(16384L), true, true));
		assertThat(this.events.get(7)).isEqualTo(
				new ChangeEvent.Commit(new Lsn(0x1000), new Lsn(0x1030), Instant.parse("2026-01-02T03:04:05.123456Z")));
	}

	@Test
	void replicaIdentityFullSendsOldRows() {
		PgOutputDecoder decoder = new PgOutputDecoder(List.of("pub"));
		feed(decoder, begin(1, 0, 1), relation(null, 7, "s", "full", 'f', 2, "a", "b"),
				message('U').int32(7).byte1('O').tuple("1", null).byte1('N').tuple("1", "y").build(),
				message('D').int32(7).byte1('O').tuple("1", "y").build());
		assertThat(((ChangeEvent.Update) this.events.get(2)).oldIsFullRow()).isTrue();
		assertThat(((ChangeEvent.Delete) this.events.get(3)).oldIsFullRow()).isTrue();
		assertThat(((ChangeEvent.Relation) this.events.get(1)).shape().replicaIdentity()).isEqualTo('f');
	}

	@Test
	void aCustomTypeIsNamedFromItsTypeMessage() {
		PgOutputDecoder decoder = new PgOutputDecoder(List.of("pub"));
		ByteBuffer relation = message('R').int32(9)
			.string("public")
			.string("t")
			.byte1('d')
			.int16(1)
			.byte1(1)
			.string("e")
			.int32(16400)
			.int32(-1)
			.build();
		feed(decoder, message('Y').int32(16400).string("public").string("MyType").build(), relation);
		RelationShape shape = ((ChangeEvent.Relation) this.events.get(0)).shape();
		assertThat(shape.columns().get(0).typeOid()).isEqualTo(16400);
		assertThat(shape.columns().get(0).typeName()).isEqualTo("\"public\".\"MyType\"");
	}

	@Test
	void binaryValuesAreRefusedNamingTheColumn() {
		PgOutputDecoder decoder = new PgOutputDecoder(List.of("pub"));
		feed(decoder, relation(null, 1, "public", "t", 'd', 1, "id"));
		assertThatThrownBy(
				() -> feed(decoder, message('I').int32(1).byte1('N').int16(1).byte1('b').int32(1).byte1(0).build()))
			.isInstanceOf(DecodeException.class)
			.hasMessageContaining("\"public\".\"t\".\"id\"")
			.hasMessageContaining("binary");
	}

	@Test
	void truncatedAndUnknownMessagesFailNamingThePluginAndLsn() {
		PgOutputDecoder decoder = new PgOutputDecoder(List.of("pub"));
		feed(decoder, relation(null, 1, "public", "t", 'd', 1, "id"));
		ByteBuffer whole = insert(null, 1, "12345");
		ByteBuffer truncated = ByteBuffer.wrap(whole.array(), 0, whole.limit() - 2);
		assertThatThrownBy(() -> feed(decoder, truncated)).isInstanceOf(DecodeException.class)
			.hasMessageStartingWith("pgoutput: ")
			.hasMessageContaining("0/16B6C50")
			.hasMessageContaining("truncated");
		assertThatThrownBy(() -> feed(decoder, insert(null, 2, "1"))).isInstanceOf(DecodeException.class)
			.hasMessageContaining("relation id 2");
		assertThatThrownBy(() -> feed(decoder, message('Z').build())).isInstanceOf(DecodeException.class)
			.hasMessageContaining("'Z'");
		assertThatThrownBy(() -> feed(decoder, ByteBuffer.allocate(0))).isInstanceOf(DecodeException.class);
	}

	@Test
	void streamedTransactionsAreReassembledWithoutTheirAbortedSubtransactions(@TempDir Path spill) throws Exception {
		PgOutputDecoder decoder = new PgOutputDecoder(2, List.of("pub"), spill);
		assertThat(decoder.slotOptions()).containsEntry("proto_version", "2").containsEntry("streaming", "on");
		feed(decoder, message('S').int32(100).byte1(1).build(), relation(100, 1, "public", "t", 'd', 1, "id", "v"),
				insert(100, 1, "1", "top"), insert(101, 1, "2", "in a subtransaction that aborts"),
				message('E').build(),
				// another large transaction interleaves
				message('S').int32(200).byte1(1).build(), relation(200, 1, "public", "t", 'd', 1, "id", "v"),
				insert(200, 1, "10", "other"), message('E').build(), message('S').int32(100).byte1(0).build(),
				insert(102, 1, "3", "kept subtransaction"), message('E').build(),
				message('A').int32(100).int32(101).build(),
				// a small transaction commits in between, whole
				begin(0x500, MICROS, 300), relation(null, 1, "public", "t", 'd', 1, "id", "v"),
				insert(null, 1, "20", "small"), commit(0x500, 0x530, MICROS),
				message('A').int32(200).int32(200).build(),
				message('c').int32(100).byte1(0).int64(0x900).int64(0x930).int64(MICROS).build());
		assertThat(this.events.stream().map((event) -> event.getClass().getSimpleName())).containsExactly("Begin",
				"Relation", "Insert", "Commit", "Begin", "Relation", "Insert", "Insert", "Commit");
		assertThat(((ChangeEvent.Insert) this.events.get(6)).newRow().get(1)).isEqualTo(Value.text("top"));
		assertThat(((ChangeEvent.Insert) this.events.get(7)).newRow().get(1))
			.isEqualTo(Value.text("kept subtransaction"));
		assertThat(this.events.get(4))
			.isEqualTo(new ChangeEvent.Begin(100, new Lsn(0x900), Instant.parse("2026-01-02T03:04:05.123456Z")));
		assertThat(this.events.get(8)).isEqualTo(
				new ChangeEvent.Commit(new Lsn(0x900), new Lsn(0x930), Instant.parse("2026-01-02T03:04:05.123456Z")));
		try (Stream<Path> left = Files.list(spill)) {
			assertThat(left).isEmpty();
		}
	}

	@Test
	void aRelationSentInAnAbortedSubtransactionStillDescribesLaterChanges(@TempDir Path spill) {
		PgOutputDecoder decoder = new PgOutputDecoder(2, List.of("pub"), spill);
		feed(decoder, message('S').int32(100).byte1(1).build(), relation(101, 1, "public", "t", 'd', 1, "id"),
				insert(101, 1, "1"), insert(100, 1, "2"), message('E').build(),
				message('A').int32(100).int32(101).build(),
				message('c').int32(100).byte1(0).int64(0x900).int64(0x930).int64(0).build());
		assertThat(this.events).filteredOn(ChangeEvent.Insert.class::isInstance)
			.containsExactly(new ChangeEvent.Insert(1, List.of(Value.text("2"))));
	}

	@Test
	void leftoverSpillFilesOfAnEarlierRunAreRemoved(@TempDir Path spill) throws Exception {
		Files.writeString(spill.resolve("42.pgoutput-stream"), "old");
		new PgOutputDecoder(2, List.of("pub"), spill);
		assertThat(spill.resolve("42.pgoutput-stream")).doesNotExist();
	}

	@Test
	void slotOptionsQuotePublicationNames() {
		assertThat(new PgOutputDecoder(List.of("pub", "Mixed Pub")).slotOptions()).containsEntry("proto_version", "1")
			.containsEntry("publication_names", "\"pub\",\"Mixed Pub\"")
			.doesNotContainKey("streaming");
	}

}
