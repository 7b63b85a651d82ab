package io.pgcopydb.cdc.decode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.pg.Identifiers;

/**
 * Decodes test_decoding's text lines, written with {@code include-xids},
 * {@code include-timestamp} and {@code skip-empty-xacts}:
 * {@code table public.t: UPDATE: old-key: id[integer]:5 new-tuple: id[integer]:6 v[text]:'x'}.
 * <p>
 * What the format does not say, and how it is filled in: a BEGIN carries neither the
 * commit LSN ({@link Lsn#INVALID}) nor the commit time (null); a COMMIT carries no LSN,
 * and its message's WAL position is the commit record's end (the walsender reports the
 * transaction's end LSN while writing the commit), so it is the Commit's {@code endLsn};
 * its {@code commitLsn} is {@link Lsn#INVALID}. Values print bare for integers, oids,
 * floats, numerics and booleans ({@code true}/{@code false}), {@code B'...'} for bit
 * strings, and quoted with doubled quotes otherwise; {@code null} and
 * {@code unchanged-toast-datum} are bare words. An old key prints non-NULL columns only,
 * for REPLICA IDENTITY FULL as well: absent columns are NULL, and whether the old tuple
 * is a key or a whole row comes from the {@link ReplicaIdentities} given (else: a whole
 * row when it has every column).
 */
public final class TestDecodingDecoder implements ChangeDecoder {

	private final TextShapes shapes;

	private final ReplicaIdentities identities;

	public TestDecodingDecoder() {
		this(ReplicaIdentities.unknown());
	}

	public TestDecodingDecoder(ReplicaIdentities identities) {
		this.identities = identities;
		this.shapes = new TextShapes(identities);
	}

	@Override
	public Map<String, String> slotOptions() {
		Map<String, String> options = new LinkedHashMap<>();
		options.put("include-xids", "1");
		options.put("include-timestamp", "1");
		options.put("skip-empty-xacts", "1");
		return options;
	}

	@Override
	public void decode(Lsn messageLsn, ByteBuffer payload, Consumer<ChangeEvent> out) {
		ByteBuffer bytes = payload.duplicate();
		byte[] array = new byte[bytes.remaining()];
		bytes.get(array);
		String line = new String(array, StandardCharsets.UTF_8);
		try {
			if (line.startsWith("BEGIN ")) {
				out.accept(new ChangeEvent.Begin(Long.parseLong(line.substring(6).trim()), Lsn.INVALID, null));
			}
			else if (line.startsWith("COMMIT ")) {
				commit(line, messageLsn, out);
			}
			else if (line.startsWith("table ")) {
				new LineParser(line, messageLsn).change(out);
			}
			else if (!line.startsWith("message:")) {
				throw failure(messageLsn, "an unknown line: " + abbreviate(line));
			}
		}
		catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException ex) {
			throw failure(messageLsn, "a line it cannot read (" + ex.getMessage() + "): " + abbreviate(line));
		}
	}

	private void commit(String line, Lsn messageLsn, Consumer<ChangeEvent> out) {
		int at = line.indexOf(" (at ");
		if (at < 0 || !line.endsWith(")")) {
			throw failure(messageLsn, "a COMMIT without its timestamp (include-timestamp): " + abbreviate(line));
		}
		Instant time = CommitTimes.parse(line.substring(at + 5, line.length() - 1));
		out.accept(new ChangeEvent.Commit(Lsn.INVALID, messageLsn, time));
	}

	private static DecodeException failure(Lsn lsn, String why) {
		return new DecodeException("test_decoding: cannot decode the message at LSN " + lsn + ": " + why);
	}

	private static String abbreviate(String line) {
		return (line.length() > 200) ? line.substring(0, 200) + "..." : line;
	}

	/** One change line, read left to right. */
	private final class LineParser {

		private final String line;

		private final Lsn lsn;

		private int position = "table ".length();

		LineParser(String line, Lsn lsn) {
			this.line = line;
			this.lsn = lsn;
		}

		void change(Consumer<ChangeEvent> out) {
			List<String[]> tables = new ArrayList<>();
			do {
				String schema = identifier();
				expect(".");
				tables.add(new String[] { schema, identifier() });
			}
			while (consume(", "));
			expect(": ");
			int colon = this.line.indexOf(':', this.position);
			String action = this.line.substring(this.position, colon);
			this.position = colon + 1;
			switch (action) {
				case "INSERT" -> insert(tables.get(0), out);
				case "UPDATE" -> update(tables.get(0), out);
				case "DELETE" -> delete(tables.get(0), out);
				case "TRUNCATE" -> truncate(tables, out);
				default -> throw failure(this.lsn, "an unknown action " + action + ": " + abbreviate(this.line));
			}
		}

		private void insert(String[] table, Consumer<ChangeEvent> out) {
			Tuple tuple = tuple();
			RelationShape shape = TestDecodingDecoder.this.shapes.shape(table[0], table[1], tuple.columns(), null, true,
					out);
			out.accept(new ChangeEvent.Insert(shape.id(), tuple.values()));
		}

		private void update(String[] table, Consumer<ChangeEvent> out) {
			Tuple old = null;
			if (consume(" old-key:")) {
				old = tuple();
				expect(" new-tuple:");
			}
			Tuple tuple = tuple();
			if (tuple.columns().isEmpty()) {
				throw failure(this.lsn, "an UPDATE without its new tuple: " + abbreviate(this.line));
			}
			RelationShape shape = TestDecodingDecoder.this.shapes.shape(table[0], table[1], tuple.columns(), null, true,
					out);
			if (old == null) {
				out.accept(new ChangeEvent.Update(shape.id(), null, false, tuple.values()));
				return;
			}
			OldRow oldRow = oldRow(shape, old, out);
			out.accept(new ChangeEvent.Update(oldRow.shape().id(), oldRow.values(), oldRow.full(), tuple.values()));
		}

		private void delete(String[] table, Consumer<ChangeEvent> out) {
			Tuple old = tuple();
			if (old.columns().isEmpty()) {
				throw new BadStateException("test_decoding: a DELETE on "
						+ Identifiers.displayQualified(table[0], table[1]) + " at LSN " + this.lsn
						+ " carries no old key: the table has no replica identity; give it a primary key or"
						+ " REPLICA IDENTITY FULL on the source, or leave it out with filters");
			}
			RelationShape shape = TestDecodingDecoder.this.shapes.current(table[0], table[1]);
			if (shape == null) {
				shape = TestDecodingDecoder.this.shapes.shape(table[0], table[1], old.columns(), null, false, out);
			}
			OldRow oldRow = oldRow(shape, old, out);
			out.accept(new ChangeEvent.Delete(oldRow.shape().id(), oldRow.values(), oldRow.full()));
		}

		private OldRow oldRow(RelationShape shape, Tuple old, Consumer<ChangeEvent> out) {
			Set<String> present = new HashSet<>();
			List<Value> values = new ArrayList<>(shape.columns().size());
			for (RelationShape.Column column : shape.columns()) {
				int index = old.indexOf(column.name());
				values.add((index >= 0) ? old.values().get(index) : Value.NULL);
				if (index >= 0) {
					present.add(column.name());
				}
			}
			if (present.size() != old.columns().size()) {
				throw failure(this.lsn, "an old key with columns " + shape.qualifiedName() + " does not have: "
						+ abbreviate(this.line));
			}
			RelationShape learnt = TestDecodingDecoder.this.shapes.learnKeys(shape, present, out);
			boolean full = TestDecodingDecoder.this.identities.find(shape.schema(), shape.name())
				.map((identity) -> identity.kind() == 'f')
				.orElse(present.size() == shape.columns().size());
			return new OldRow(learnt, values, full);
		}

		private void truncate(List<String[]> tables, Consumer<ChangeEvent> out) {
			expect(" ");
			String flags = this.line.substring(this.position);
			List<Long> ids = new ArrayList<>(tables.size());
			for (String[] table : tables) {
				RelationShape shape = TestDecodingDecoder.this.shapes.current(table[0], table[1]);
				if (shape == null) {
					shape = TestDecodingDecoder.this.shapes.shape(table[0], table[1], List.of(), null, false, out);
				}
				ids.add(shape.id());
			}
			out.accept(new ChangeEvent.Truncate(List.copyOf(ids), flags.contains("cascade"),
					flags.contains("restart_seqs")));
		}

		/** Columns up to the end of the line or {@code new-tuple:}; empty for no data. */
		private Tuple tuple() {
			Tuple tuple = new Tuple(new ArrayList<>(), new ArrayList<>());
			if (consume(" (no-tuple-data)")) {
				return tuple;
			}
			while (this.position < this.line.length() && !this.line.startsWith(" new-tuple:", this.position)) {
				expect(" ");
				String name = identifier();
				expect("[");
				String type = typeName();
				expect("]:");
				tuple.columns().add(new RelationShape.Column(name, 0, type, false));
				tuple.values().add(value(type));
			}
			return tuple;
		}

		private Value value(String type) {
			if (peek('\'')) {
				return Value.text(quoted());
			}
			if (this.line.startsWith("B'", this.position) && (type.equals("bit") || type.startsWith("bit varying"))) {
				this.position++;
				return Value.text(quoted());
			}
			int end = this.line.indexOf(' ', this.position);
			end = (end < 0) ? this.line.length() : end;
			String word = this.line.substring(this.position, end);
			this.position = end;
			return switch (word) {
				case "null" -> Value.NULL;
				case "unchanged-toast-datum" -> Value.UNCHANGED;
				default -> Value.text(word);
			};
		}

		private String quoted() {
			StringBuilder text = new StringBuilder();
			this.position++;
			while (true) {
				int quote = this.line.indexOf('\'', this.position);
				if (quote < 0) {
					throw failure(this.lsn, "an unterminated quoted value: " + abbreviate(this.line));
				}
				text.append(this.line, this.position, quote);
				if (quote + 1 < this.line.length() && this.line.charAt(quote + 1) == '\'') {
					text.append('\'');
					this.position = quote + 2;
				}
				else {
					this.position = quote + 1;
					return text.toString();
				}
			}
		}

		/** A type as format_type_be prints it, up to the {@code ]:} that ends it. */
		private String typeName() {
			int start = this.position;
			boolean quoted = false;
			while (this.position < this.line.length()) {
				char c = this.line.charAt(this.position);
				if (c == '"') {
					quoted = !quoted;
				}
				else if (!quoted && c == ']' && this.line.startsWith("]:", this.position)) {
					return this.line.substring(start, this.position);
				}
				this.position++;
			}
			throw failure(this.lsn, "a column type without its end: " + abbreviate(this.line));
		}

		/** An identifier as quote_identifier prints it. */
		private String identifier() {
			if (!peek('"')) {
				int start = this.position;
				while (this.position < this.line.length()) {
					char c = this.line.charAt(this.position);
					if (c == '.' || c == ':' || c == '[' || c == ',' || c == ' ') {
						break;
					}
					this.position++;
				}
				return this.line.substring(start, this.position);
			}
			StringBuilder name = new StringBuilder();
			this.position++;
			while (true) {
				int quote = this.line.indexOf('"', this.position);
				if (quote < 0) {
					throw failure(this.lsn, "an unterminated quoted identifier: " + abbreviate(this.line));
				}
				name.append(this.line, this.position, quote);
				if (quote + 1 < this.line.length() && this.line.charAt(quote + 1) == '"') {
					name.append('"');
					this.position = quote + 2;
				}
				else {
					this.position = quote + 1;
					return name.toString();
				}
			}
		}

		private boolean peek(char c) {
			return this.position < this.line.length() && this.line.charAt(this.position) == c;
		}

		private boolean consume(String text) {
			if (this.line.startsWith(text, this.position)) {
				this.position += text.length();
				return true;
			}
			return false;
		}

		private void expect(String text) {
			if (!consume(text)) {
				throw failure(this.lsn,
						"expected \"" + text + "\" at character " + this.position + ": " + abbreviate(this.line));
			}
		}

	}

	private record Tuple(List<RelationShape.Column> columns, List<Value> values) {

		int indexOf(String name) {
			for (int i = 0; i < this.columns.size(); i++) {
				if (this.columns.get(i).name().equals(name)) {
					return i;
				}
			}
			return -1;
		}

	}

	private record OldRow(RelationShape shape, List<Value> values, boolean full) {
	}

}
