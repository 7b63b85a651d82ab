package io.pgcopydb.cdc.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.cdc.decode.Value;

/**
 * The payload of one change-file record, in our own binary format (big-endian): an event
 * kind byte selects the layout, strings are a length (-1 for null) and UTF-8 bytes,
 * instants are microseconds since the epoch (the precision of PostgreSQL's timestamps,
 * {@link Long#MIN_VALUE} for null), lists a count (-1 for null) and their items. The
 * framing (length, CRC) is {@link SegmentFile}'s. Changing a layout needs a new
 * {@link SegmentFile#VERSION}.
 */
final class RecordCodec {

	static final byte BEGIN = 1;

	static final byte COMMIT = 2;

	static final byte RELATION = 3;

	static final byte INSERT = 4;

	static final byte UPDATE = 5;

	static final byte DELETE = 6;

	static final byte TRUNCATE = 7;

	/**
	 * A relation's shape re-emitted at the start of a segment, so that a reader starting
	 * there knows it; not an event of the stream (see {@link ChangeStore}).
	 */
	static final byte SHAPE = 8;

	/**
	 * The end of a transaction the store does not hold after all, written instead of its
	 * Commit (empty payload): one cut by a lost connection or a crash, or one the server
	 * sent again. The files are append-only, so a reader's cursor over the records of
	 * that transaction stays valid; readers pass over them. Not an event of the stream.
	 */
	static final byte ABORT = 9;

	private static final long NO_TIME = Long.MIN_VALUE;

	private RecordCodec() {
	}

	static byte kind(ChangeEvent event) {
		if (event instanceof ChangeEvent.Begin) {
			return BEGIN;
		}
		if (event instanceof ChangeEvent.Commit) {
			return COMMIT;
		}
		if (event instanceof ChangeEvent.Relation) {
			return RELATION;
		}
		if (event instanceof ChangeEvent.Insert) {
			return INSERT;
		}
		if (event instanceof ChangeEvent.Update) {
			return UPDATE;
		}
		if (event instanceof ChangeEvent.Delete) {
			return DELETE;
		}
		if (event instanceof ChangeEvent.Truncate) {
			return TRUNCATE;
		}
		throw new IllegalArgumentException("no record kind for " + event.getClass().getSimpleName());
	}

	/** Appends the payload of {@code event} to {@code out}. */
	static void encode(ChangeEvent event, Output out) {
		if (event instanceof ChangeEvent.Begin begin) {
			out.putLong(begin.xid());
			out.putLong(begin.finalLsn().value());
			putInstant(out, begin.commitTime());
		}
		else if (event instanceof ChangeEvent.Commit commit) {
			out.putLong(commit.commitLsn().value());
			out.putLong(commit.endLsn().value());
			putInstant(out, commit.commitTime());
		}
		else if (event instanceof ChangeEvent.Relation relation) {
			encodeShape(relation.shape(), out);
		}
		else if (event instanceof ChangeEvent.Insert insert) {
			out.putLong(insert.relationId());
			putRow(out, insert.newRow());
		}
		else if (event instanceof ChangeEvent.Update update) {
			out.putLong(update.relationId());
			putRow(out, update.oldRow());
			out.put((byte) (update.oldIsFullRow() ? 1 : 0));
			putRow(out, update.newRow());
		}
		else if (event instanceof ChangeEvent.Delete delete) {
			out.putLong(delete.relationId());
			putRow(out, delete.oldRow());
			out.put((byte) (delete.oldIsFullRow() ? 1 : 0));
		}
		else if (event instanceof ChangeEvent.Truncate truncate) {
			out.putInt(truncate.relationIds().size());
			for (long id : truncate.relationIds()) {
				out.putLong(id);
			}
			out.put((byte) (truncate.cascade() ? 1 : 0));
			out.put((byte) (truncate.restartIdentity() ? 1 : 0));
		}
		else {
			throw new IllegalArgumentException("no record layout for " + event.getClass().getSimpleName());
		}
	}

	static void encodeShape(RelationShape shape, Output out) {
		out.putLong(shape.id());
		putString(out, shape.schema());
		putString(out, shape.name());
		out.putChar(shape.replicaIdentity());
		out.putInt(shape.columns().size());
		for (RelationShape.Column column : shape.columns()) {
			putString(out, column.name());
			out.putLong(column.typeOid());
			putString(out, column.typeName());
			out.put((byte) (column.key() ? 1 : 0));
		}
		out.put((byte) (shape.complete() ? 1 : 0));
	}

	/**
	 * The event in {@code payload} (position to limit); a {@link #SHAPE} record decodes
	 * to a {@link ChangeEvent.Relation}.
	 * @throws IllegalArgumentException on an unknown kind or a payload of the wrong size
	 */
	static ChangeEvent decode(byte kind, ByteBuffer in) {
		try {
			ChangeEvent event = switch (kind) {
				case BEGIN -> new ChangeEvent.Begin(in.getLong(), new Lsn(in.getLong()), getInstant(in));
				case COMMIT -> new ChangeEvent.Commit(new Lsn(in.getLong()), new Lsn(in.getLong()), getInstant(in));
				case RELATION, SHAPE -> new ChangeEvent.Relation(decodeShape(in));
				case INSERT -> new ChangeEvent.Insert(in.getLong(), getRow(in));
				case UPDATE -> new ChangeEvent.Update(in.getLong(), getRow(in), in.get() != 0, getRow(in));
				case DELETE -> new ChangeEvent.Delete(in.getLong(), getRow(in), in.get() != 0);
				case TRUNCATE -> {
					int count = in.getInt();
					List<Long> ids = new ArrayList<>(count);
					for (int i = 0; i < count; i++) {
						ids.add(in.getLong());
					}
					yield new ChangeEvent.Truncate(List.copyOf(ids), in.get() != 0, in.get() != 0);
				}
				default -> throw new IllegalArgumentException("unknown record kind " + kind);
			};
			if (in.hasRemaining()) {
				throw new IllegalArgumentException(in.remaining() + " bytes left after a record of kind " + kind);
			}
			return event;
		}
		catch (BufferUnderflowException ex) {
			throw new IllegalArgumentException("record of kind " + kind + " shorter than its layout", ex);
		}
	}

	/** The commit end LSN in a {@link #COMMIT} payload, without decoding the rest. */
	static Lsn commitEnd(ByteBuffer in) {
		return new Lsn(in.getLong(in.position() + Long.BYTES));
	}

	private static RelationShape decodeShape(ByteBuffer in) {
		long id = in.getLong();
		String schema = getString(in);
		String name = getString(in);
		char replicaIdentity = in.getChar();
		int count = in.getInt();
		List<RelationShape.Column> columns = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			columns.add(new RelationShape.Column(getString(in), in.getLong(), getString(in), in.get() != 0));
		}
		return new RelationShape(id, schema, name, replicaIdentity, List.copyOf(columns), in.get() != 0);
	}

	private static void putInstant(Output out, Instant instant) {
		out.putLong((instant != null)
				? Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000)
				: NO_TIME);
	}

	private static Instant getInstant(ByteBuffer in) {
		long micros = in.getLong();
		if (micros == NO_TIME) {
			return null;
		}
		return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
	}

	private static void putRow(Output out, List<Value> row) {
		if (row == null) {
			out.putInt(-1);
			return;
		}
		out.putInt(row.size());
		for (Value value : row) {
			switch (value.kind()) {
				case NULL -> out.put((byte) 0);
				case UNCHANGED -> out.put((byte) 1);
				case TEXT -> {
					out.put((byte) 2);
					putString(out, value.text());
				}
			}
		}
	}

	private static List<Value> getRow(ByteBuffer in) {
		int count = in.getInt();
		if (count < 0) {
			return null;
		}
		Value[] row = new Value[count];
		for (int i = 0; i < count; i++) {
			byte kind = in.get();
			row[i] = switch (kind) {
				case 0 -> Value.NULL;
				case 1 -> Value.UNCHANGED;
				case 2 -> new Value(Value.Kind.TEXT, getString(in));
				default -> throw new IllegalArgumentException("unknown value kind " + kind);
			};
		}
		return java.util.Arrays.asList(row);
	}

	private static void putString(Output out, String text) {
		if (text == null) {
			out.putInt(-1);
			return;
		}
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		out.putInt(bytes.length);
		out.put(bytes);
	}

	private static String getString(ByteBuffer in) {
		int length = in.getInt();
		if (length < 0) {
			return null;
		}
		String text;
		if (in.hasArray()) {
			text = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
			in.position(in.position() + length);
		}
		else {
			byte[] bytes = new byte[length];
			in.get(bytes);
			text = new String(bytes, StandardCharsets.UTF_8);
		}
		return text;
	}

	/** A growable big-endian byte buffer that one record is encoded into. */
	static final class Output {

		private ByteBuffer buffer = ByteBuffer.allocate(8192);

		void clear() {
			if (this.buffer.capacity() > (1 << 20)) {
				// a huge row grew it: give the memory back
				this.buffer = ByteBuffer.allocate(8192);
			}
			this.buffer.clear();
		}

		ByteBuffer buffer() {
			return this.buffer;
		}

		private void ensure(int bytes) {
			if (this.buffer.remaining() < bytes) {
				int capacity = Math.max(this.buffer.capacity() * 2, this.buffer.position() + bytes);
				ByteBuffer grown = ByteBuffer.allocate(capacity);
				this.buffer.flip();
				grown.put(this.buffer);
				this.buffer = grown;
			}
		}

		void put(byte value) {
			ensure(1);
			this.buffer.put(value);
		}

		void put(byte[] bytes) {
			ensure(bytes.length);
			this.buffer.put(bytes);
		}

		void putChar(char value) {
			ensure(2);
			this.buffer.putChar(value);
		}

		void putInt(int value) {
			ensure(4);
			this.buffer.putInt(value);
		}

		void putLong(long value) {
			ensure(8);
			this.buffer.putLong(value);
		}

	}

}
