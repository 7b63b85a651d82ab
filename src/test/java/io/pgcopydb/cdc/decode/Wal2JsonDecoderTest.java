package io.pgcopydb.cdc.decode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pgcopydb.cdc.Lsn;

import static io.pgcopydb.cdc.decode.Fixtures.only;
import static io.pgcopydb.cdc.decode.Fixtures.text;
import static io.pgcopydb.cdc.decode.Fixtures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Wal2JsonDecoderTest {

	private final List<ChangeEvent> events = Fixtures.decodeAll(new Wal2JsonDecoder(false),
			Fixtures.read("wal2json.fixture"));

	private RelationShape shapeOf(List<ChangeEvent> decoded, long id) {
		return only(decoded, ChangeEvent.Relation.class).stream()
			.map(ChangeEvent.Relation::shape)
			.filter((shape) -> shape.id() == id)
			.reduce((first, last) -> last)
			.orElseThrow();
	}

	@Test
	void numbersKeepTheirDigitsAndOtherValuesTheirText() {
		ChangeEvent.Insert first = only(this.events, ChangeEvent.Insert.class).get(0);
		RelationShape t = shapeOf(this.events, first.relationId());
		assertThat(text(t, first.newRow(), "id")).isEqualTo("1000070");
		assertThat(text(t, first.newRow(), "n")).isEqualTo("12345678901234567890.123");
		assertThat(text(t, first.newRow(), "b")).isEqualTo("\\x00ff27");
		assertThat(text(t, first.newRow(), "a")).isEqualTo("{1,NULL,3}");
		assertThat(text(t, first.newRow(), "ta")).isEqualTo("{\"a b\",\"c\\\"d\",NULL,\"NULL\"}");
		assertThat(text(t, first.newRow(), "j")).isEqualTo("{\"k\": \"v \\\"q\\\"\"}");
		assertThat(text(t, first.newRow(), "tx")).isEqualTo("it's\nmulti\tline");
		assertThat(text(t, first.newRow(), "x y")).isEmpty();
		assertThat(text(t, first.newRow(), "n2")).isEqualTo("1.50");
		assertThat(text(t, first.newRow(), "r")).isEqualTo("1.1");
		assertThat(text(t, first.newRow(), "bo")).isEqualTo("true");
		assertThat(text(t, first.newRow(), "e")).isEqualTo("b c");
		assertThat(t.columns().get(0).typeOid()).isEqualTo(20);
		assertThat(t.columns()).extracting(RelationShape.Column::typeName).contains("numeric(10,2)");
		List<ChangeEvent.Insert> inserts = only(this.events, ChangeEvent.Insert.class);
		assertThat(text(t, inserts.get(2).newRow(), "f")).isEqualTo("-0");
		assertThat(text(t, inserts.get(4).newRow(), "f")).isEqualTo("0.30000000000000004");
		assertThat(text(t, inserts.get(3).newRow(), "tx")).isEqualTo("null");
		assertThat(value(t, inserts.get(1).newRow(), "tx")).isEqualTo(Value.NULL);
	}

	@Test
	void wal2json25WritesNanAndInfinityAsNull() {
		// a loss on the server side, documented: numeric-data-types-as-string avoids it
		ChangeEvent.Insert first = only(this.events, ChangeEvent.Insert.class).get(0);
		assertThat(value(shapeOf(this.events, first.relationId()), first.newRow(), "f")).isEqualTo(Value.NULL);
	}

	@Test
	void hugeNumbersAndBooleansAreNeverRoundedThroughADouble() {
		String digits = "9".repeat(300) + "." + "1".repeat(300);
		List<ChangeEvent> decoded = new ArrayList<>();
		new Wal2JsonDecoder(false).decode(Lsn.parse("0/1", "t"), bytes("""
				{"action":"I","xid":1,"lsn":"0/1","schema":"s","table":"t","columns":[
				{"name":"n","type":"numeric","typeoid":1700,"value":%s},
				{"name":"i","type":"bigint","typeoid":20,"value":9223372036854775807},
				{"name":"f","type":"double precision","typeoid":701,"value":1.0000000000000002e+300},
				{"name":"b","type":"boolean","typeoid":16,"value":false}],"pk":[]}""".formatted(digits)), decoded::add);
		ChangeEvent.Insert insert = only(decoded, ChangeEvent.Insert.class).get(0);
		assertThat(insert.newRow()).containsExactly(Value.text(digits), Value.text("9223372036854775807"),
				Value.text("1.0000000000000002e+300"), Value.text("false"));
	}

	@Test
	void aColumnLeftOutOfAnUpdateIsUnchangedToast() {
		ChangeEvent.Update update = only(this.events, ChangeEvent.Update.class).get(0);
		RelationShape t = shapeOf(this.events, update.relationId());
		assertThat(value(t, update.newRow(), "big")).isEqualTo(Value.UNCHANGED);
		assertThat(text(t, update.newRow(), "n")).isEqualTo("1");
		assertThat(text(t, update.oldRow(), "id")).isEqualTo("1000070");
		assertThat(update.oldIsFullRow()).isFalse();
	}

	@Test
	void beginAndCommitCarryTheCommitAndEndLsns() {
		ChangeEvent.Begin begin = (ChangeEvent.Begin) this.events.get(0);
		assertThat(begin.xid()).isEqualTo(773);
		assertThat(begin.finalLsn()).isEqualTo(Lsn.parse("0/1DD4EC8", "t"));
		ChangeEvent.Commit commit = only(this.events, ChangeEvent.Commit.class).get(0);
		assertThat(commit.commitLsn()).isEqualTo(Lsn.parse("0/1DD4EC8", "t"));
		assertThat(commit.endLsn()).isEqualTo(Lsn.parse("0/1DD4EF8", "t"));
		assertThat(commit.commitTime()).isEqualTo(Instant.parse("2026-11-26T09:45:42.106001Z"));
		assertThat(begin.commitTime()).isEqualTo(commit.commitTime());
	}

	@Test
	void replicaIdentityFullSendsTheWholeOldRowNullsIncluded() {
		ChangeEvent.Delete delete = only(this.events, ChangeEvent.Delete.class).get(0);
		assertThat(delete.oldIsFullRow()).isTrue();
		assertThat(delete.oldRow()).containsExactly(Value.text("1"), Value.text("y"), Value.NULL);
		assertThat(shapeOf(this.events, delete.relationId()).replicaIdentity()).isEqualTo('f');
	}

	@Test
	void keysComeFromThePrimaryKeyAndKeyChangesFromTheIdentity() {
		ChangeEvent.Update keyChange = only(this.events, ChangeEvent.Update.class).get(1);
		RelationShape t = shapeOf(this.events, keyChange.relationId());
		assertThat(text(t, keyChange.oldRow(), "id")).isEqualTo("5");
		assertThat(text(t, keyChange.newRow(), "id")).isEqualTo("6");
		assertThat(t.columns().stream().filter(RelationShape.Column::key).map(RelationShape.Column::name))
			.containsExactly("id");
	}

	@Test
	void theTablesOfOneTruncateGoTogether() {
		List<ChangeEvent.Truncate> truncates = only(this.events, ChangeEvent.Truncate.class);
		assertThat(truncates).hasSize(2);
		assertThat(truncates.get(0).relationIds()).hasSize(2);
		assertThat(truncates.get(1).relationIds()).hasSize(1);
		int truncate = this.events.indexOf(truncates.get(0));
		assertThat(this.events.get(truncate + 1)).isInstanceOf(ChangeEvent.Commit.class);
	}

	@Test
	void quotedNamesArriveUnquoted() {
		ChangeEvent.Insert insert = only(this.events, ChangeEvent.Insert.class).get(5);
		RelationShape shape = shapeOf(this.events, insert.relationId());
		assertThat(shape.schema()).isEqualTo("Mixed Case");
		assertThat(shape.columns().get(0).name()).isEqualTo("Col A");
		assertThat(text(shape, insert.newRow(), "v")).isEqualTo("a: b[c] 'd' new-tuple: x[text]:'y'");
	}

	@Test
	void numericAsStringIsAskedForOnlyWhenWanted() {
		assertThat(new Wal2JsonDecoder(false).slotOptions()).containsEntry("format-version", "2")
			.containsEntry("include-pk", "1")
			.doesNotContainKey("numeric-data-types-as-string");
		assertThat(new Wal2JsonDecoder(true).slotOptions()).containsEntry("numeric-data-types-as-string", "1");
	}

	@Test
	void aTruncatedMessageFailsNamingThePluginAndLsn() {
		assertThatThrownBy(() -> new Wal2JsonDecoder(false).decode(Lsn.parse("0/ABC", "t"), bytes(
				"{\"action\":\"I\",\"xid\":1,\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\",\"val"),
				(event) -> {
				}))
			.isInstanceOf(DecodeException.class)
			.hasMessageStartingWith("wal2json: ")
			.hasMessageContaining("0/ABC");
	}

	static ByteBuffer bytes(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

}
