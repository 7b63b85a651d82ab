package io.pgcopydb.cdc.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads the records of one change file forward, through a window of the file, so that a
 * record header costs no system call and memory stays bounded (the window, or one record
 * when a record is bigger). The file may grow while it is read (a writer appending): a
 * record past the known size makes the cursor look at the size again. Not thread-safe.
 */
final class RecordCursor implements AutoCloseable {

	private static final int WINDOW_BYTES = 256 * 1024;

	private final SegmentFile segment;

	private final FileChannel channel;

	private final SegmentFile.Header header;

	private ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);

	/**
	 * The window's bytes as {@link #payload()} hands them out: one view, moved over each
	 * record, so that reading a record allocates nothing.
	 */
	private ByteBuffer view = this.window.duplicate();

	private long windowStart;

	private long position;

	private byte kind;

	private int length;

	private final CRC32C crc = new CRC32C();

	private RecordCursor(SegmentFile segment, FileChannel channel, SegmentFile.Header header) {
		this.segment = segment;
		this.channel = channel;
		this.header = header;
		this.window.limit(0);
		this.position = SegmentFile.HEADER_BYTES;
	}

	/**
	 * Opens {@code segment} after its header; null when the file is gone or its header is
	 * not complete yet (a writer creating it, or a torn creation).
	 */
	static RecordCursor open(SegmentFile segment) throws IOException {
		FileChannel channel;
		try {
			channel = FileChannel.open(segment.path(), StandardOpenOption.READ);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		try {
			ByteBuffer bytes = ByteBuffer.allocate(SegmentFile.HEADER_BYTES);
			while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) > 0) {
				// a short read only at the end of the file
			}
			SegmentFile.Header header = SegmentFile.readHeader(bytes.flip());
			if (header == null) {
				channel.close();
				return null;
			}
			return new RecordCursor(segment, channel, header);
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	SegmentFile segment() {
		return this.segment;
	}

	SegmentFile.Header header() {
		return this.header;
	}

	/** Where the next record starts. */
	long position() {
		return this.position;
	}

	void seek(long position) {
		this.position = position;
	}

	long size() throws IOException {
		return this.channel.size();
	}

	/**
	 * Reads the header of the record at {@link #position()}; false when the file does not
	 * hold the whole record (yet). On true, {@link #kind()} and {@link #length()}
	 * describe it and {@link #payload()} or {@link #skip()} moves past it.
	 */
	boolean next() throws IOException {
		int start = bytes(this.position, SegmentFile.RECORD_HEADER_BYTES);
		if (start < 0) {
			return false;
		}
		int payloadLength = this.window.getInt(start);
		if (payloadLength < 0) {
			throw new IllegalArgumentException("negative record length at offset " + this.position);
		}
		long end = this.position + SegmentFile.RECORD_HEADER_BYTES + payloadLength;
		if (end > this.windowStart + this.window.limit() && end > this.channel.size()) {
			return false;
		}
		this.length = payloadLength;
		this.kind = this.window.get(start + 4);
		return true;
	}

	byte kind() {
		return this.kind;
	}

	int length() {
		return this.length;
	}

	/** Where the current record ends. */
	long end() {
		return this.position + SegmentFile.RECORD_HEADER_BYTES + this.length;
	}

	void skip() {
		this.position = end();
	}

	/**
	 * The current record's payload, CRC checked, and moves past it. The buffer is valid
	 * until the next call on this cursor: decode it before.
	 * @throws IllegalArgumentException on a CRC mismatch
	 */
	ByteBuffer payload() throws IOException {
		int start = bytes(this.position, SegmentFile.RECORD_HEADER_BYTES + this.length);
		if (start < 0) {
			throw new IllegalArgumentException("record at offset " + this.position + " is cut short");
		}
		int expected = this.window.getInt(start + 5);
		byte[] array = this.window.array();
		this.crc.reset();
		this.crc.update(array, start + 4, 1);
		this.crc.update(array, start + SegmentFile.RECORD_HEADER_BYTES, this.length);
		if ((int) this.crc.getValue() != expected) {
			throw new IllegalArgumentException("CRC mismatch in the record at offset " + this.position);
		}
		int from = start + SegmentFile.RECORD_HEADER_BYTES;
		this.view.limit(from + this.length).position(from);
		this.position = end();
		return this.view;
	}

	/**
	 * Where {@code count} bytes at file offset {@code at} start in the window, read into
	 * it when needed; -1 when the file is shorter.
	 */
	private int bytes(long at, int count) throws IOException {
		long windowEnd = this.windowStart + this.window.limit();
		if (at >= this.windowStart && at + count <= windowEnd) {
			return (int) (at - this.windowStart);
		}
		if (this.window.capacity() < count) {
			this.window = ByteBuffer.allocate(count);
		}
		else if (this.window.capacity() > WINDOW_BYTES && count <= WINDOW_BYTES) {
			// a big record grew it: give the memory back
			this.window = ByteBuffer.allocate(WINDOW_BYTES);
		}
		this.view = this.window.duplicate();
		this.window.clear();
		this.windowStart = at;
		while (this.window.hasRemaining()) {
			int read = this.channel.read(this.window, at + this.window.position());
			if (read <= 0) {
				break;
			}
		}
		this.window.flip();
		if (this.window.limit() < count) {
			return -1;
		}
		return 0;
	}

	@Override
	public void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// read-only: nothing is lost
		}
	}

}
