package io.pgcopydb.cdc.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import io.pgcopydb.cdc.Lsn;

/**
 * One change file, named by the end LSN of the last commit written before it (its
 * header's {@code previousEnd}): {@code 000000010000ABCD.changes};
 * {@code 000000010000ABCD.1.changes}, {@code .2.}, ... for the next files written before
 * another commit (a big transaction spans files: a segment is rotated at any record
 * boundary). Files sort by (LSN, part), which is the order they were written in. (A
 * commit end is known for every plugin; a Begin's commit LSN is not.)
 * <p>
 * Layout: a 24-byte header (magic {@code PGCDBCHG}, format version, flags, the end LSN of
 * the last commit written before this file, CRC32C of the header), then records: payload
 * length (int), kind (byte), CRC32C of kind and payload (int), payload
 * ({@link RecordCodec}). A record is complete when its length's worth of bytes is there
 * and its CRC matches; anything else at the end of the last file is a torn tail.
 */
record SegmentFile(Path path, Lsn lsn, int part) implements Comparable<SegmentFile> {

	/**
	 * 2: a shape's record ends with its complete flag ({@code RelationShape#complete}).
	 */
	static final short VERSION = 2;

	static final int HEADER_BYTES = 24;

	static final int RECORD_HEADER_BYTES = 9;

	/** Header flag: the file starts in the middle of a transaction. */
	static final short CONTINUATION = 1;

	private static final byte[] MAGIC = "PGCDBCHG".getBytes(StandardCharsets.US_ASCII);

	private static final Pattern NAME = Pattern.compile("([0-9A-F]{16})(?:\\.([0-9]+))?\\.changes");

	static SegmentFile of(Path dir, Lsn lsn, int part) {
		String name = String.format("%016X", lsn.value()) + ((part > 0) ? "." + part : "") + ".changes";
		return new SegmentFile(dir.resolve(name), lsn, part);
	}

	/** The change files in {@code dir}, oldest first; other files are ignored. */
	static List<SegmentFile> list(Path dir) throws IOException {
		List<SegmentFile> segments = new ArrayList<>();
		if (!Files.isDirectory(dir)) {
			return segments;
		}
		try (Stream<Path> files = Files.list(dir)) {
			files.forEach((file) -> {
				Matcher matcher = NAME.matcher(file.getFileName().toString());
				if (matcher.matches()) {
					long lsn = Long.parseUnsignedLong(matcher.group(1), 16);
					int part = (matcher.group(2) != null) ? Integer.parseInt(matcher.group(2)) : 0;
					segments.add(new SegmentFile(file, new Lsn(lsn), part));
				}
			});
		}
		segments.sort(null);
		return segments;
	}

	@Override
	public int compareTo(SegmentFile other) {
		int byLsn = this.lsn.compareTo(other.lsn);
		return (byLsn != 0) ? byLsn : Integer.compare(this.part, other.part);
	}

	static ByteBuffer header(boolean continuation, Lsn previousEnd) {
		ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
		header.put(MAGIC);
		header.putShort(VERSION);
		header.putShort(continuation ? CONTINUATION : 0);
		header.putLong(previousEnd.value());
		CRC32C crc = new CRC32C();
		crc.update(header.array(), 0, header.position());
		header.putInt((int) crc.getValue());
		return header.flip();
	}

	/**
	 * The header read back; null when torn (short or CRC mismatch).
	 * @throws IllegalArgumentException when it is not one of our change files or of a
	 * version this program does not read
	 */
	static Header readHeader(ByteBuffer bytes) {
		if (bytes.remaining() < HEADER_BYTES) {
			return null;
		}
		CRC32C crc = new CRC32C();
		crc.update(bytes.array(), bytes.arrayOffset() + bytes.position(), HEADER_BYTES - 4);
		int position = bytes.position();
		if ((int) crc.getValue() != bytes.getInt(position + HEADER_BYTES - 4)) {
			return null;
		}
		byte[] magic = new byte[MAGIC.length];
		bytes.get(magic);
		short version = bytes.getShort();
		if (!java.util.Arrays.equals(magic, MAGIC)) {
			throw new IllegalArgumentException("not a pgcopydb change file");
		}
		if (version != VERSION) {
			throw new IllegalArgumentException(
					"change file format version " + version + ", this pgcopydb reads version " + VERSION);
		}
		short flags = bytes.getShort();
		return new Header((flags & CONTINUATION) != 0, new Lsn(bytes.getLong()));
	}

	/**
	 * @param continuation the file starts in the middle of a transaction begun in the
	 * previous file
	 * @param previousEnd the end LSN of the last commit written before this file
	 * ({@link Lsn#INVALID} when none)
	 */
	record Header(boolean continuation, Lsn previousEnd) {
	}

}
