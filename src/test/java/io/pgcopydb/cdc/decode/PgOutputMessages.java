package io.pgcopydb.cdc.decode;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds pgoutput messages byte for byte as the protocol documentation lays them out, for
 * decoder tests. A null {@code xid} leaves out the field streamed messages carry.
 */
final class PgOutputMessages {

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final DataOutputStream out = new DataOutputStream(this.bytes);

	private PgOutputMessages(char kind) {
		byte1(kind);
	}

	static PgOutputMessages message(char kind) {
		return new PgOutputMessages(kind);
	}

	static ByteBuffer begin(long finalLsn, long micros, int xid) {
		return message('B').int64(finalLsn).int64(micros).int32(xid).build();
	}

	static ByteBuffer commit(long commitLsn, long endLsn, long micros) {
		return message('C').byte1(0).int64(commitLsn).int64(endLsn).int64(micros).build();
	}

	/** A relation of text columns, the first {@code keys} of them in the key. */
	static ByteBuffer relation(Integer xid, int oid, String schema, String name, char identity, int keys,
			String... columns) {
		PgOutputMessages message = message('R').xid(xid).int32(oid).string(schema).string(name).byte1(identity);
		message.int16(columns.length);
		for (int i = 0; i < columns.length; i++) {
			message.byte1((i < keys) ? 1 : 0).string(columns[i]).int32(25).int32(-1);
		}
		return message.build();
	}

	static ByteBuffer insert(Integer xid, int oid, String... values) {
		return message('I').xid(xid).int32(oid).byte1('N').tuple(values).build();
	}

	PgOutputMessages xid(Integer xid) {
		return (xid != null) ? int32(xid) : this;
	}

	/** A tuple: null is 'n', "\u0000u" is an unchanged TOAST value, others text. */
	PgOutputMessages tuple(String... values) {
		int16(values.length);
		for (String value : values) {
			if (value == null) {
				byte1('n');
			}
			else if (value.equals(UNCHANGED)) {
				byte1('u');
			}
			else {
				byte[] text = value.getBytes(StandardCharsets.UTF_8);
				byte1('t').int32(text.length);
				write(text);
			}
		}
		return this;
	}

	static final String UNCHANGED = "\u0000u";

	PgOutputMessages byte1(int value) {
		try {
			this.out.writeByte(value);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	PgOutputMessages int16(int value) {
		try {
			this.out.writeShort(value);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	PgOutputMessages int32(int value) {
		try {
			this.out.writeInt(value);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	PgOutputMessages int64(long value) {
		try {
			this.out.writeLong(value);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	PgOutputMessages string(String value) {
		write(value.getBytes(StandardCharsets.UTF_8));
		return byte1(0);
	}

	private void write(byte[] data) {
		try {
			this.out.write(data);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	ByteBuffer build() {
		return ByteBuffer.wrap(this.bytes.toByteArray());
	}

}
