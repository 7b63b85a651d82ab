package io.pgcopydb.cdc.decode;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.pg.Identifiers;

/**
 * Decodes pgoutput's logical replication protocol (<a href=
 * "https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html">message
 * formats</a>) in text mode: protocol 1, and with protocol 2 the streaming of large
 * in-progress transactions.
 * <p>
 * Relation messages are cached per relation id for the rest of the stream (the server
 * sends one again only when it thinks this session has not seen it) and are passed on as
 * {@link ChangeEvent.Relation} each time one arrives. Streamed transactions are written
 * to spill files by {@link StreamedTransactions} as they arrive and replayed through the
 * same decoding on stream commit, so the events stay in commit order, never interleaved,
 * and memory stays bounded whatever the size of a transaction. Nothing here is durable:
 * after a restart the server sends in-progress transactions again from their start, so
 * spill files left by an earlier run are deleted.
 */
public final class PgOutputDecoder implements ChangeDecoder {

	/** PostgreSQL's epoch, 2000-01-01 UTC, in Unix seconds. */
	private static final long PG_EPOCH_SECONDS = 946_684_800L;

	private final int protocolVersion;

	private final List<String> publications;

	private final Map<Long, RelationShape> relations = new HashMap<>();

	private final Map<Long, String> types = new HashMap<>();

	private final StreamedTransactions streams;

	/** The top-level xid of the stream block being received, or -1 outside one. */
	private long streamingXid = -1;

	/** True while a spilled transaction is replayed: its messages carry an xid. */
	private boolean replaying;

	/**
	 * A protocol-1 decoder: transactions arrive whole, at commit.
	 */
	public PgOutputDecoder(List<String> publications) {
		this(1, publications, null);
	}

	/**
	 * @param protocolVersion 1, or 2 to have large in-progress transactions streamed
	 * (PostgreSQL 14 and later)
	 * @param spillDirectory where streamed transactions wait for their commit; needed
	 * with protocol 2 only
	 */
	public PgOutputDecoder(int protocolVersion, List<String> publications, Path spillDirectory) {
		if (protocolVersion < 1 || protocolVersion > 2) {
			throw new IllegalArgumentException("pgoutput protocol version " + protocolVersion + " is not supported");
		}
		if (protocolVersion >= 2 && spillDirectory == null) {
			throw new IllegalArgumentException("pgoutput protocol 2 needs a spill directory");
		}
		this.protocolVersion = protocolVersion;
		this.publications = List.copyOf(publications);
		this.streams = (protocolVersion >= 2) ? new StreamedTransactions(spillDirectory) : null;
	}

	@Override
	public Map<String, String> slotOptions() {
		Map<String, String> options = new LinkedHashMap<>();
		options.put("proto_version", Integer.toString(this.protocolVersion));
		// publication_names is split as an identifier list: quote each name
		options.put("publication_names",
				this.publications.stream().map(Identifiers::quote).collect(Collectors.joining(",")));
		if (this.protocolVersion >= 2) {
			options.put("streaming", "on");
		}
		return options;
	}

	@Override
	public void decode(Lsn messageLsn, ByteBuffer payload, Consumer<ChangeEvent> out) {
		ByteBuffer buffer = heap(payload);
		char kind = (buffer.remaining() > 0) ? (char) buffer.get(0) : '?';
		try {
			if (this.streamingXid >= 0 && kind != 'E') {
				this.streams.append(this.streamingXid, buffer);
				return;
			}
			buffer.get();
			decodeMessage(kind, messageLsn, buffer, out);
		}
		catch (BufferUnderflowException ex) {
			throw failure(kind, messageLsn, "the message is truncated (" + payload.remaining() + " bytes)");
		}
	}

	private void decodeMessage(char kind, Lsn lsn, ByteBuffer buffer, Consumer<ChangeEvent> out) {
		switch (kind) {
			case 'B' -> {
				Lsn finalLsn = new Lsn(buffer.getLong());
				Instant commitTime = timestamp(buffer.getLong());
				out.accept(new ChangeEvent.Begin(Integer.toUnsignedLong(buffer.getInt()), finalLsn, commitTime));
			}
			case 'C' -> {
				buffer.get();
				out.accept(new ChangeEvent.Commit(new Lsn(buffer.getLong()), new Lsn(buffer.getLong()),
						timestamp(buffer.getLong())));
			}
			case 'O', 'M' -> {
				// origins of a cascaded source and logical messages are not replicated
			}
			case 'R' -> relation(lsn, buffer, out);
			case 'Y' -> type(buffer);
			case 'I' -> insert(lsn, buffer, out);
			case 'U' -> update(lsn, buffer, out);
			case 'D' -> delete(lsn, buffer, out);
			case 'T' -> truncate(buffer, out);
			case 'S', 'E', 'c', 'A' -> stream(kind, lsn, buffer, out);
			default -> throw failure(kind, lsn, "unknown message type");
		}
	}

	private void stream(char kind, Lsn lsn, ByteBuffer buffer, Consumer<ChangeEvent> out) {
		if (this.streams == null) {
			throw failure(kind, lsn, "a streaming message on a protocol-1 stream");
		}
		switch (kind) {
			case 'S' -> this.streamingXid = Integer.toUnsignedLong(buffer.getInt());
			case 'E' -> this.streamingXid = -1;
			case 'A' ->
				this.streams.abort(Integer.toUnsignedLong(buffer.getInt()), Integer.toUnsignedLong(buffer.getInt()));
			default -> {
				long xid = Integer.toUnsignedLong(buffer.getInt());
				buffer.get();
				Lsn commitLsn = new Lsn(buffer.getLong());
				Lsn endLsn = new Lsn(buffer.getLong());
				Instant commitTime = timestamp(buffer.getLong());
				out.accept(new ChangeEvent.Begin(xid, commitLsn, commitTime));
				this.replaying = true;
				try {
					this.streams.replay(xid, (message) -> {
						char messageKind = (char) message.get();
						decodeMessage(messageKind, lsn, message, out);
					});
				}
				finally {
					this.replaying = false;
				}
				out.accept(new ChangeEvent.Commit(commitLsn, endLsn, commitTime));
			}
		}
	}

	private void skipStreamXid(ByteBuffer buffer) {
		if (this.replaying) {
			buffer.getInt();
		}
	}

	private void relation(Lsn lsn, ByteBuffer buffer, Consumer<ChangeEvent> out) {
		skipStreamXid(buffer);
		long id = Integer.toUnsignedLong(buffer.getInt());
		String schema = string(buffer);
		String name = string(buffer);
		char identity = (char) buffer.get();
		int count = buffer.getShort();
		List<RelationShape.Column> columns = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			boolean key = (buffer.get() & 1) != 0;
			String column = string(buffer);
			long typeOid = Integer.toUnsignedLong(buffer.getInt());
			buffer.getInt();
			columns.add(new RelationShape.Column(column, typeOid, this.types.get(typeOid), key));
		}
		RelationShape shape = new RelationShape(id, schema, name, identity, List.copyOf(columns));
		this.relations.put(id, shape);
		out.accept(new ChangeEvent.Relation(shape));
	}

	private void type(ByteBuffer buffer) {
		skipStreamXid(buffer);
		long oid = Integer.toUnsignedLong(buffer.getInt());
		String schema = string(buffer);
		String name = string(buffer);
		this.types.put(oid, Identifiers.qualified(schema, name));
	}

	private void insert(Lsn lsn, ByteBuffer buffer, Consumer<ChangeEvent> out) {
		skipStreamXid(buffer);
		RelationShape shape = shape(lsn, 'I', buffer.getInt());
		expect(lsn, 'I', buffer, 'N');
		out.accept(new ChangeEvent.Insert(shape.id(), tuple(lsn, 'I', shape, buffer)));
	}

	private void update(Lsn lsn, ByteBuffer buffer, Consumer<ChangeEvent> out) {
		skipStreamXid(buffer);
		RelationShape shape = shape(lsn, 'U', buffer.getInt());
		char section = (char) buffer.get();
		List<Value> oldRow = null;
		boolean full = false;
		if (section == 'K' || section == 'O') {
			full = section == 'O';
			oldRow = tuple(lsn, 'U', shape, buffer);
			section = (char) buffer.get();
		}
		if (section != 'N') {
			throw failure('U', lsn, "expected the new tuple ('N'), found '" + section + "'");
		}
		out.accept(new ChangeEvent.Update(shape.id(), oldRow, full, tuple(lsn, 'U', shape, buffer)));
	}

	private void delete(Lsn lsn, ByteBuffer buffer, Consumer<ChangeEvent> out) {
		skipStreamXid(buffer);
		RelationShape shape = shape(lsn, 'D', buffer.getInt());
		char section = (char) buffer.get();
		if (section != 'K' && section != 'O') {
			throw failure('D', lsn, "expected the old key ('K') or row ('O'), found '" + section + "'");
		}
		out.accept(new ChangeEvent.Delete(shape.id(), tuple(lsn, 'D', shape, buffer), section == 'O'));
	}

	private void truncate(ByteBuffer buffer, Consumer<ChangeEvent> out) {
		skipStreamXid(buffer);
		int count = buffer.getInt();
		int options = buffer.get();
		List<Long> ids = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			ids.add(Integer.toUnsignedLong(buffer.getInt()));
		}
		out.accept(new ChangeEvent.Truncate(List.copyOf(ids), (options & 1) != 0, (options & 2) != 0));
	}

	private List<Value> tuple(Lsn lsn, char kind, RelationShape shape, ByteBuffer buffer) {
		int count = buffer.getShort();
		if (count != shape.columns().size()) {
			throw failure(kind, lsn, "a tuple of " + count + " columns for " + shape.qualifiedName() + ", which has "
					+ shape.columns().size());
		}
		List<Value> values = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			char type = (char) buffer.get();
			switch (type) {
				case 'n' -> values.add(Value.NULL);
				case 'u' -> values.add(Value.UNCHANGED);
				case 't' -> {
					int length = buffer.getInt();
					if (length < 0 || length > buffer.remaining()) {
						throw new BufferUnderflowException();
					}
					values.add(Value.text(new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length,
							StandardCharsets.UTF_8)));
					buffer.position(buffer.position() + length);
				}
				case 'b' -> throw failure(kind, lsn, "a binary value for " + shape.qualifiedName() + "."
						+ Identifiers.quote(shape.columns().get(i).name()) + ", but binary mode was not requested");
				default -> throw failure(kind, lsn, "unknown tuple data kind '" + type + "'");
			}
		}
		return values;
	}

	private RelationShape shape(Lsn lsn, char kind, int id) {
		RelationShape shape = this.relations.get(Integer.toUnsignedLong(id));
		if (shape == null) {
			throw failure(kind, lsn,
					"relation id " + Integer.toUnsignedLong(id) + " was never described by a Relation" + " message");
		}
		return shape;
	}

	private void expect(Lsn lsn, char kind, ByteBuffer buffer, char expected) {
		char found = (char) buffer.get();
		if (found != expected) {
			throw failure(kind, lsn, "expected '" + expected + "', found '" + found + "'");
		}
	}

	/**
	 * The payload from its position, array-backed so that values decode without copies.
	 */
	private static ByteBuffer heap(ByteBuffer payload) {
		if (payload.hasArray()) {
			return payload.slice();
		}
		ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
		copy.put(payload.duplicate()).flip();
		return copy;
	}

	private static String string(ByteBuffer buffer) {
		int start = buffer.position();
		int end = start;
		while (buffer.get(end) != 0) {
			end++;
		}
		String text = new String(buffer.array(), buffer.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
		buffer.position(end + 1);
		return text;
	}

	static Instant timestamp(long microsSince2000) {
		long seconds = Math.floorDiv(microsSince2000, 1_000_000L);
		long micros = Math.floorMod(microsSince2000, 1_000_000L);
		return Instant.ofEpochSecond(PG_EPOCH_SECONDS + seconds, micros * 1000);
	}

	private static DecodeException failure(char kind, Lsn lsn, String why) {
		return new DecodeException("pgoutput: cannot decode message '" + kind + "' at LSN " + lsn + ": " + why);
	}

}
