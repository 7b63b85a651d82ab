package io.pgcopydb.cdc.decode;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

import io.pgcopydb.cdc.Lsn;

/**
 * Decodes wal2json's format version 2: one JSON object per change, with actions B, C, I,
 * U, D, T and M, written with xids, timestamps, LSNs, types, type OIDs and primary keys.
 * <p>
 * Values keep their text: a number is taken from its JSON token's characters, never
 * through a double, so a bigint or a numeric arrives digit for digit; {@code true} and
 * {@code false} are boolean texts; a bytea arrives without its {@code \x} prefix
 * (wal2json strips it), which is put back. wal2json 2.5 writes a float or numeric NaN or
 * Infinity as JSON {@code null}: that loss happens on the server, before this decoder,
 * unless {@code numeric-data-types-as-string} is on (wal2json 2.6 and later).
 * <p>
 * A TOASTed value an UPDATE did not change is left out of {@code columns}: against the
 * table's known column list (learnt from its last INSERT or full change) a missing column
 * is {@link Value#UNCHANGED}. An UPDATE naming a column the known list lacks starts a new
 * shape. wal2json sends one T per truncated table: those of one TRUNCATE (same LSN) are
 * gathered into one {@link ChangeEvent.Truncate}, whose cascade and restart flags
 * wal2json does not say (false).
 */
public final class Wal2JsonDecoder implements ChangeDecoder {

	private static final long BYTEA_OID = 17;

	private static final JsonFactory JSON = JsonFactory.builder()
		.streamReadConstraints(StreamReadConstraints.builder()
			.maxStringLength(Integer.MAX_VALUE)
			.maxNumberLength(Integer.MAX_VALUE)
			.maxDocumentLength(-1)
			.build())
		.build();

	private final boolean numericAsString;

	private final TextShapes shapes;

	private final List<Long> pendingTruncate = new ArrayList<>();

	private String pendingTruncateLsn;

	public Wal2JsonDecoder(boolean numericAsString) {
		this(numericAsString, ReplicaIdentities.unknown());
	}

	public Wal2JsonDecoder(boolean numericAsString, ReplicaIdentities identities) {
		this.numericAsString = numericAsString;
		this.shapes = new TextShapes(identities);
	}

	@Override
	public Map<String, String> slotOptions() {
		Map<String, String> options = new LinkedHashMap<>();
		options.put("format-version", "2");
		options.put("include-xids", "1");
		options.put("include-timestamp", "1");
		options.put("include-types", "1");
		options.put("include-type-oids", "1");
		options.put("include-pk", "1");
		options.put("include-lsn", "1");
		if (this.numericAsString) {
			options.put("numeric-data-types-as-string", "1");
		}
		return options;
	}

	/**
	 * wal2json before 2.6 has no {@code numeric-data-types-as-string} and refuses it as
	 * {@code option "numeric-data-types-as-string" = "1" is unknown}.
	 */
	@Override
	public String refusedOption(String serverMessage) {
		if (this.numericAsString && serverMessage != null && serverMessage.contains("numeric-data-types-as-string")) {
			return "wal2json on the source refuses option numeric-data-types-as-string (it needs wal2json 2.6 or later):"
					+ " run again without --wal2json-numeric-as-string, or upgrade wal2json on the source";
		}
		return null;
	}

	@Override
	public void decode(Lsn messageLsn, ByteBuffer payload, Consumer<ChangeEvent> out) {
		Message message;
		ByteBuffer bytes = payload.duplicate();
		try (JsonParser parser = bytes.hasArray()
				? JSON.createParser(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining())
				: JSON.createParser(copy(bytes))) {
			message = Message.read(parser);
		}
		catch (JacksonException ex) {
			throw failure(messageLsn, "not a JSON object (" + ex.getOriginalMessage() + ")");
		}
		catch (IllegalStateException ex) {
			throw failure(messageLsn, ex.getMessage());
		}
		if (message.action == null) {
			throw failure(messageLsn, "no \"action\"");
		}
		try {
			dispatch(message, messageLsn, out);
		}
		catch (IllegalArgumentException | DateTimeParseException ex) {
			throw failure(messageLsn, "action " + message.action + ": " + ex.getMessage());
		}
	}

	private void dispatch(Message message, Lsn messageLsn, Consumer<ChangeEvent> out) {
		if (!message.action.equals("T")) {
			flushTruncate(out);
		}
		switch (message.action) {
			case "B" ->
				out.accept(new ChangeEvent.Begin(message.xid, lsn(message.lsn, Lsn.INVALID), time(message.timestamp)));
			case "C" -> out.accept(new ChangeEvent.Commit(lsn(message.lsn, Lsn.INVALID),
					lsn(message.nextLsn, messageLsn), time(message.timestamp)));
			case "I" -> {
				RelationShape shape = this.shapes.shape(message.schema, message.table, columns(message.columns),
						names(message.pk), true, out);
				out.accept(new ChangeEvent.Insert(shape.id(), values(message.columns)));
			}
			case "U" -> update(message, messageLsn, out);
			case "D" -> delete(message, messageLsn, out);
			case "T" -> {
				if (this.pendingTruncateLsn != null && !this.pendingTruncateLsn.equals(message.lsn)) {
					flushTruncate(out);
				}
				RelationShape shape = this.shapes.current(message.schema, message.table);
				if (shape == null) {
					shape = this.shapes.shape(message.schema, message.table, List.of(), null, false, out);
				}
				this.pendingTruncate.add(shape.id());
				this.pendingTruncateLsn = (message.lsn != null) ? message.lsn : "";
			}
			case "M" -> {
				// logical messages are not replicated
			}
			default -> throw failure(messageLsn, "unknown action \"" + message.action + "\"");
		}
	}

	private void update(Message message, Lsn messageLsn, Consumer<ChangeEvent> out) {
		RelationShape shape = this.shapes.current(message.schema, message.table);
		if (shape == null || !covers(shape, message.columns)) {
			shape = this.shapes.shape(message.schema, message.table, columns(message.columns), names(message.pk), false,
					out);
		}
		List<Value> newRow = aligned(shape, message.columns, Value.UNCHANGED);
		if (message.identity == null) {
			out.accept(new ChangeEvent.Update(shape.id(), null, false, newRow));
			return;
		}
		shape = this.shapes.learnKeys(shape, new LinkedHashSet<>(names(message.identity)), out);
		out.accept(new ChangeEvent.Update(shape.id(), aligned(shape, message.identity, Value.NULL),
				isFull(shape, message.identity), newRow));
	}

	private void delete(Message message, Lsn messageLsn, Consumer<ChangeEvent> out) {
		if (message.identity == null || message.identity.isEmpty()) {
			throw failure(messageLsn, "a DELETE on " + message.schema + "." + message.table + " without its identity");
		}
		RelationShape shape = this.shapes.current(message.schema, message.table);
		if (shape == null || !covers(shape, message.identity)) {
			shape = this.shapes.shape(message.schema, message.table, columns(message.identity), names(message.pk),
					false, out);
		}
		shape = this.shapes.learnKeys(shape, new LinkedHashSet<>(names(message.identity)), out);
		out.accept(new ChangeEvent.Delete(shape.id(), aligned(shape, message.identity, Value.NULL),
				isFull(shape, message.identity)));
	}

	private void flushTruncate(Consumer<ChangeEvent> out) {
		if (!this.pendingTruncate.isEmpty()) {
			out.accept(new ChangeEvent.Truncate(List.copyOf(this.pendingTruncate), false, false));
			this.pendingTruncate.clear();
		}
		this.pendingTruncateLsn = null;
	}

	/** Whether every listed column is in the shape, with the same type. */
	private static boolean covers(RelationShape shape, List<Column> columns) {
		Map<String, RelationShape.Column> known = new HashMap<>();
		shape.columns().forEach((column) -> known.put(column.name(), column));
		for (Column column : columns) {
			RelationShape.Column match = known.get(column.name);
			if (match == null || match.typeOid() != column.typeOid) {
				return false;
			}
		}
		return true;
	}

	private static List<Value> aligned(RelationShape shape, List<Column> columns, Value missing) {
		Map<String, Value> byName = new HashMap<>();
		columns.forEach((column) -> byName.put(column.name, column.value));
		List<Value> values = new ArrayList<>(shape.columns().size());
		for (RelationShape.Column column : shape.columns()) {
			values.add(byName.getOrDefault(column.name(), missing));
		}
		return values;
	}

	private static boolean isFull(RelationShape shape, List<Column> identity) {
		return identity.size() == shape.columns().size();
	}

	private static List<RelationShape.Column> columns(List<Column> columns) {
		return columns.stream().map((c) -> new RelationShape.Column(c.name, c.typeOid, c.type, false)).toList();
	}

	private static List<Value> values(List<Column> columns) {
		return columns.stream().map((c) -> c.value).toList();
	}

	private static Set<String> names(List<Column> columns) {
		if (columns == null) {
			return null;
		}
		Set<String> names = new LinkedHashSet<>();
		columns.forEach((c) -> names.add(c.name));
		return names;
	}

	private static Lsn lsn(String text, Lsn otherwise) {
		return (text != null) ? Lsn.parse(text, "wal2json lsn") : otherwise;
	}

	private static Instant time(String text) {
		return (text != null) ? CommitTimes.parse(text) : null;
	}

	private static byte[] copy(ByteBuffer bytes) {
		byte[] array = new byte[bytes.remaining()];
		bytes.get(array);
		return array;
	}

	private static DecodeException failure(Lsn lsn, String why) {
		return new DecodeException("wal2json: cannot decode the message at LSN " + lsn + ": " + why);
	}

	/** One wal2json object, as far as this decoder reads it. */
	private static final class Message {

		String action;

		long xid;

		String timestamp;

		String lsn;

		String nextLsn;

		String schema;

		String table;

		List<Column> columns = List.of();

		List<Column> identity;

		List<Column> pk;

		static Message read(JsonParser parser) {
			Message message = new Message();
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new IllegalStateException("expected an object");
			}
			String name;
			while ((name = parser.nextName()) != null) {
				JsonToken token = parser.nextToken();
				switch (name) {
					case "action" -> message.action = parser.getString();
					case "xid" -> message.xid = parser.getLongValue();
					case "timestamp" -> message.timestamp = parser.getString();
					case "lsn" -> message.lsn = parser.getString();
					case "nextlsn" -> message.nextLsn = parser.getString();
					case "schema" -> message.schema = parser.getString();
					case "table" -> message.table = parser.getString();
					case "columns" -> message.columns = Column.readAll(parser);
					case "identity" -> message.identity = Column.readAll(parser);
					case "pk" -> message.pk = Column.readAll(parser);
					default -> {
						if (token.isStructStart()) {
							parser.skipChildren();
						}
					}
				}
			}
			return message;
		}

	}

	/** A column of {@code columns}, {@code identity} or {@code pk}. */
	private static final class Column {

		String name;

		String type;

		long typeOid;

		Value value = Value.NULL;

		static List<Column> readAll(JsonParser parser) {
			if (parser.currentToken() != JsonToken.START_ARRAY) {
				throw new IllegalStateException("expected an array of columns");
			}
			List<Column> columns = new ArrayList<>();
			while (parser.nextToken() == JsonToken.START_OBJECT) {
				Column column = new Column();
				String name;
				while ((name = parser.nextName()) != null) {
					JsonToken token = parser.nextToken();
					switch (name) {
						case "name" -> column.name = parser.getString();
						case "type" -> column.type = parser.getString();
						case "typeoid" -> column.typeOid = parser.getLongValue();
						case "value" -> column.value = value(parser, token);
						default -> {
							if (token.isStructStart()) {
								parser.skipChildren();
							}
						}
					}
				}
				if (column.typeOid == BYTEA_OID && column.value.kind() == Value.Kind.TEXT) {
					column.value = Value.text("\\x" + column.value.text());
				}
				columns.add(column);
			}
			return columns;
		}

		private static Value value(JsonParser parser, JsonToken token) {
			return switch (token) {
				case VALUE_NULL -> Value.NULL;
				case VALUE_TRUE -> Value.text("true");
				case VALUE_FALSE -> Value.text("false");
				// the token's own characters: no rounding through a double
				case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_STRING -> Value.text(parser.getString());
				default -> throw new IllegalStateException("a value that is " + token);
			};
		}

	}

}
