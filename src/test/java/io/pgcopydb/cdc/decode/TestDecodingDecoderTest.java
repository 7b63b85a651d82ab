package io.pgcopydb.cdc.decode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.error.BadStateException;

import static io.pgcopydb.cdc.decode.Fixtures.only;
import static io.pgcopydb.cdc.decode.Fixtures.text;
import static io.pgcopydb.cdc.decode.Fixtures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestDecodingDecoderTest {

	private final List<ChangeEvent> events = Fixtures.decodeAll(new TestDecodingDecoder(),
			Fixtures.read("test_decoding.fixture"));

	private RelationShape shapeOf(long id) {
		return only(this.events, ChangeEvent.Relation.class).stream()
			.map(ChangeEvent.Relation::shape)
			.filter((shape) -> shape.id() == id)
			.reduce((first, last) -> last)
			.orElseThrow();
	}

	@Test
	void valuesKeepTheServersTextWhateverTheirQuoting() {
		ChangeEvent.Insert first = only(this.events, ChangeEvent.Insert.class).get(0);
		RelationShape t = shapeOf(first.relationId());
		assertThat(t.qualifiedName()).isEqualTo("\"public\".\"t\"");
		assertThat(text(t, first.newRow(), "id")).isEqualTo("1000070");
		assertThat(text(t, first.newRow(), "n")).isEqualTo("12345678901234567890.123");
		assertThat(text(t, first.newRow(), "f")).isEqualTo("NaN");
		assertThat(text(t, first.newRow(), "b")).isEqualTo("\\x00ff27");
		assertThat(text(t, first.newRow(), "a")).isEqualTo("{1,NULL,3}");
		assertThat(text(t, first.newRow(), "ta")).isEqualTo("{\"a b\",\"c\\\"d\",NULL,\"NULL\"}");
		assertThat(text(t, first.newRow(), "j")).isEqualTo("{\"k\": \"v \\\"q\\\"\"}");
		assertThat(text(t, first.newRow(), "tz")).isEqualTo("2026-01-01 21:34:05+00");
		assertThat(text(t, first.newRow(), "iv")).isEqualTo("1 year 2 mons -3 days +04:05:06.5");
		assertThat(text(t, first.newRow(), "tx")).isEqualTo("it's\nmulti\tline");
		assertThat(text(t, first.newRow(), "big")).hasSize(16000);
		assertThat(text(t, first.newRow(), "x y")).isEmpty();
		assertThat(text(t, first.newRow(), "vc")).isEqualTo("{a,\"b c\"}");
		assertThat(text(t, first.newRow(), "n2")).isEqualTo("1.50");
		assertThat(text(t, first.newRow(), "bo")).isEqualTo("true");
		assertThat(text(t, first.newRow(), "bits")).isEqualTo("0101");
		assertThat(text(t, first.newRow(), "e")).isEqualTo("b c");
		assertThat(t.columns()).extracting(RelationShape.Column::typeName)
			.contains("character varying[]", "timestamp with time zone", "\"MyType\"", "bit varying", "integer[]");
	}

	@Test
	void nullEmptyStringTheWordNullAndQuotesAreDistinct() {
		List<ChangeEvent.Insert> inserts = only(this.events, ChangeEvent.Insert.class);
		RelationShape t = shapeOf(inserts.get(1).relationId());
		assertThat(value(t, inserts.get(1).newRow(), "tx")).isEqualTo(Value.NULL);
		assertThat(text(t, inserts.get(1).newRow(), "f")).isEqualTo("Infinity");
		assertThat(text(t, inserts.get(2).newRow(), "tx")).isEmpty();
		assertThat(text(t, inserts.get(2).newRow(), "f")).isEqualTo("-0");
		assertThat(text(t, inserts.get(3).newRow(), "tx")).isEqualTo("null");
		assertThat(text(t, inserts.get(3).newRow(), "f")).isEqualTo("-Infinity");
		assertThat(text(t, inserts.get(4).newRow(), "tx")).isEqualTo("'");
		assertThat(text(t, inserts.get(4).newRow(), "f")).isEqualTo("0.30000000000000004");
	}

	@Test
	void transactionsCarryTheCommitEndLsnFromTheMessagePosition() {
		ChangeEvent.Begin begin = (ChangeEvent.Begin) this.events.get(0);
		assertThat(begin.xid()).isEqualTo(773);
		assertThat(begin.finalLsn()).isEqualTo(Lsn.INVALID);
		ChangeEvent.Commit commit = only(this.events, ChangeEvent.Commit.class).get(0);
		Fixtures.Captured captured = Fixtures.read("test_decoding.fixture")
			.stream()
			.filter((message) -> message.text().startsWith("COMMIT 773"))
			.findFirst()
			.orElseThrow();
		assertThat(commit.endLsn()).isEqualTo(captured.lsn());
		assertThat(commit.commitTime()).isEqualTo(Instant.parse("2026-11-26T09:45:42.106001Z"));
		assertThat(only(this.events, ChangeEvent.Begin.class)).hasSize(15);
		assertThat(only(this.events, ChangeEvent.Commit.class)).hasSize(15);
	}

	@Test
	void unchangedToastStaysUnchangedAndAKeepingUpdateHasNoOldKey() {
		ChangeEvent.Update update = only(this.events, ChangeEvent.Update.class).get(0);
		RelationShape t = shapeOf(update.relationId());
		assertThat(value(t, update.newRow(), "big")).isEqualTo(Value.UNCHANGED);
		assertThat(text(t, update.newRow(), "n")).isEqualTo("1");
		assertThat(update.oldRow()).isNull();
	}

	@Test
	void aKeyChangeCarriesTheOldKeyAlignedToTheColumns() {
		ChangeEvent.Update update = only(this.events, ChangeEvent.Update.class).get(1);
		RelationShape t = shapeOf(update.relationId());
		assertThat(text(t, update.oldRow(), "id")).isEqualTo("5");
		assertThat(value(t, update.oldRow(), "n")).isEqualTo(Value.NULL);
		assertThat(update.oldIsFullRow()).isFalse();
		assertThat(text(t, update.newRow(), "id")).isEqualTo("6");
		assertThat(t.columns().stream().filter(RelationShape.Column::key).map(RelationShape.Column::name))
			.containsExactly("id");
	}

	@Test
	void quotedIdentifiersAndValuesThatLookLikeSyntax() {
		ChangeEvent.Insert insert = only(this.events, ChangeEvent.Insert.class).get(5);
		RelationShape shape = shapeOf(insert.relationId());
		assertThat(shape.schema()).isEqualTo("Mixed Case");
		assertThat(shape.name()).isEqualTo("x y");
		assertThat(shape.columns().get(0).name()).isEqualTo("Col A");
		assertThat(text(shape, insert.newRow(), "v")).isEqualTo("a: b[c] 'd' new-tuple: x[text]:'y'");
	}

	@Test
	void replicaIdentityFullOldRowsOmitNullsAndTheCatalogSaysTheyAreFull() {
		ReplicaIdentities catalog = (schema, name) -> name.equals("full_t")
				? Optional.of(new ReplicaIdentities.Identity('f', Set.of("a", "b", "c"))) : Optional.empty();
		List<ChangeEvent> decoded = Fixtures.decodeAll(new TestDecodingDecoder(catalog),
				Fixtures.read("test_decoding.fixture"));
		ChangeEvent.Update update = only(decoded, ChangeEvent.Update.class).stream()
			.filter((u) -> u.newRow().size() == 3)
			.findFirst()
			.orElseThrow();
		assertThat(update.oldIsFullRow()).isTrue();
		assertThat(update.oldRow()).containsExactly(Value.text("1"), Value.text("x"), Value.NULL);
		ChangeEvent.Delete delete = only(decoded, ChangeEvent.Delete.class).get(0);
		assertThat(delete.oldIsFullRow()).isTrue();
		assertThat(delete.oldRow()).containsExactly(Value.text("1"), Value.text("y"), Value.NULL);
	}

	@Test
	void truncateNamesEveryTableWithItsFlags() {
		List<ChangeEvent.Truncate> truncates = only(this.events, ChangeEvent.Truncate.class);
		assertThat(truncates.get(0).relationIds()).hasSize(2);
		assertThat(shapeOf(truncates.get(0).relationIds().get(1)).name()).isEqualTo("full_t");
		assertThat(truncates.get(0).cascade()).isTrue();
		assertThat(truncates.get(0).restartIdentity()).isTrue();
		assertThat(truncates.get(1).cascade()).isFalse();
		assertThat(truncates.get(1).restartIdentity()).isFalse();
	}

	@Test
	void aRelationGoesOutBeforeTheFirstChangeOfAShapeOnly() {
		List<Long> announced = new ArrayList<>();
		for (ChangeEvent event : this.events) {
			if (event instanceof ChangeEvent.Relation relation) {
				announced.add(relation.shape().id());
			}
			if (event instanceof ChangeEvent.Insert insert) {
				assertThat(announced).contains(insert.relationId());
			}
		}
		assertThat(only(this.events, ChangeEvent.Relation.class).stream()
			.filter((r) -> r.shape().name().equals("t"))
			.count()).isEqualTo(2);
	}

	@Test
	void compositeKeysAreLearntFromTheOldKey() {
		ChangeEvent.Delete delete = only(this.events, ChangeEvent.Delete.class).get(1);
		RelationShape kt = shapeOf(delete.relationId());
		assertThat(kt.name()).isEqualTo("kt");
		assertThat(delete.oldRow()).containsExactly(Value.text("1"), Value.text("b"), Value.NULL);
		assertThat(kt.columns().stream().filter(RelationShape.Column::key).map(RelationShape.Column::name))
			.containsExactly("k1", "k2");
	}

	@Test
	void aDeleteWithoutReplicaIdentityIsRefusedNamingTheTable() {
		TestDecodingDecoder decoder = new TestDecodingDecoder();
		assertThatThrownBy(() -> decoder.decode(Lsn.parse("0/10", "test"),
				bytes("table public.nokey: DELETE: (no-tuple-data)"), (event) -> {
				}))
			.isInstanceOf(BadStateException.class)
			.hasMessageContaining("public.nokey")
			.hasMessageContaining("0/10")
			.hasMessageContaining("REPLICA IDENTITY FULL");
	}

	@Test
	void aTruncatedLineFailsNamingThePluginAndLsn() {
		TestDecodingDecoder decoder = new TestDecodingDecoder();
		assertThatThrownBy(() -> decoder.decode(Lsn.parse("0/1A2B", "test"),
				bytes("table public.t: INSERT: id[integer]:1 v[text]:'unterminated"), (event) -> {
				}))
			.isInstanceOf(DecodeException.class)
			.hasMessageStartingWith("test_decoding: ")
			.hasMessageContaining("0/1A2B");
		assertThatThrownBy(
				() -> decoder.decode(Lsn.parse("0/1A2C", "test"), bytes("table public.t: INSERT: id[inte"), (event) -> {
				}))
			.isInstanceOf(DecodeException.class)
			.hasMessageContaining("0/1A2C");
	}

	@Test
	void slotOptionsAskForXidsTimestampsAndNoEmptyTransactions() {
		assertThat(new TestDecodingDecoder().slotOptions())
			.isEqualTo(Map.of("include-xids", "1", "include-timestamp", "1", "skip-empty-xacts", "1"));
	}

	static ByteBuffer bytes(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

}
