package io.pgcopydb.cdc.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;
import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.error.BadStateException;

/**
 * The durable change files of a follow, in {@code --dir}/cdc: what receive has taken from
 * the slot and apply has not yet made durable on the target. Receive appends, apply
 * reads, and files are removed once the target's replication origin (flushed) covers
 * them.
 * <p>
 * Durability contract: {@link ChangeWriter#sync()} returns the end LSN of the last
 * <em>complete</em> transaction whose every record is on disk (fsync); only that position
 * may be confirmed to the slot. A transaction cut by a crash is dropped at the next
 * {@link #writer}: the server sends it again from the slot's confirmed position. Memory
 * stays bounded whatever the size of one transaction or of the backlog: records stream to
 * and from the files.
 * <p>
 * Format and files: see {@link SegmentFile} (our own binary format, a CRC per record) and
 * {@link RecordCodec}. Files are rotated past a size at any record boundary, so a big
 * transaction spans files. Relations: pgoutput sends a table's Relation once per session,
 * so a reader starting after the file that held it would not know the table. Each new
 * file therefore starts with the shape of every relation written so far; a reader
 * remembers them and returns a {@link ChangeEvent.Relation} inside the transaction,
 * before the first row of that relation it returns (and again when the shape changed). No
 * side file: a file is enough to read what follows it.
 * <p>
 * Disk space: {@link #checkDiskUse(long)} fails with exit code 2 (bad configuration, as
 * for any other --dir that cannot be written) when the file system runs short, before a
 * write fails half-way; receive calls it periodically.
 */
public final class ChangeStore {

	private static final Logger log = LoggerFactory.getLogger(ChangeStore.class);

	/** Files are rotated past this size by default. */
	public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

	/**
	 * A WARN is logged when the files grow past this size by default, then each doubling.
	 */
	public static final long DEFAULT_WARN_BYTES = 8L << 30;

	/** The file of the received-through record, in the store's directory. */
	static final String RECEIVED_FILE = "received";

	private static final int RECEIVED_BYTES = Long.BYTES + Integer.BYTES;

	private final Path dir;

	private final long segmentBytes;

	private final Object signal = new Object();

	private long version;

	private long warnBytes;

	/** The received-through position this instance recorded last. */
	private Lsn recorded = Lsn.INVALID;

	private ChangeStore(Path dir, long segmentBytes, long warnBytes) {
		this.dir = dir;
		this.segmentBytes = segmentBytes;
		this.warnBytes = warnBytes;
	}

	/** The store in {@code dir}, created when missing. */
	public static ChangeStore open(Path dir) {
		return open(dir, DEFAULT_SEGMENT_BYTES, DEFAULT_WARN_BYTES);
	}

	/**
	 * The store in {@code dir}, created when missing (owner only).
	 * @param segmentBytes the size past which a file is followed by a new one
	 * @param warnBytes the disk use past which {@link #checkDiskUse} logs a WARN
	 */
	public static ChangeStore open(Path dir, long segmentBytes, long warnBytes) {
		try {
			if (!Files.isDirectory(dir)) {
				Files.createDirectories(dir);
				try {
					Files.setPosixFilePermissions(dir,
							java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
				}
				catch (UnsupportedOperationException ex) {
					// not a POSIX file system: its own access control applies
				}
			}
		}
		catch (IOException ex) {
			throw new BadConfigException("cannot create the change file directory " + dir + " ("
					+ ex.getClass().getSimpleName() + ": " + ex.getMessage() + "): check the permissions of --dir", ex);
		}
		return new ChangeStore(dir, segmentBytes, warnBytes);
	}

	/**
	 * The writer, after ending any incomplete transaction at the end of the files (an
	 * {@link RecordCodec#ABORT} record after it: the files are only appended to, see
	 * {@link FileChangeWriter}). One writer at a time.
	 */
	public ChangeWriter writer() {
		try {
			List<SegmentFile> segments = SegmentFile.list(this.dir);
			for (int i = segments.size() - 1; i >= 0; i--) {
				SegmentFile segment = segments.get(i);
				Recovered recovered = recover(segment);
				if (recovered != null) {
					return new FileChangeWriter(this, this.segmentBytes, segment, recovered.size(),
							recovered.relations(), recovered.committedEnd(), recovered.open());
				}
				log.info("Removing change file {}: its header is incomplete (cut by a crash as it was created)",
						segment.path().getFileName());
				Files.delete(segment.path());
				syncDirectory();
			}
			return new FileChangeWriter(this, this.segmentBytes, null, 0, Map.of(), Lsn.INVALID, false);
		}
		catch (IOException ex) {
			throw writeFailure(ex);
		}
	}

	/**
	 * What the newest file holds, once cut after its last whole record.
	 *
	 * @param committedEnd the end of the last commit written (in this file or before)
	 * @param open whether a transaction is open at the end (begun, neither committed nor
	 * aborted)
	 */
	private record Recovered(long size, Map<Long, RelationShape> relations, Lsn committedEnd, boolean open) {
	}

	/**
	 * Cuts {@code segment} after its last whole record (a torn record is at most the
	 * last, and no reader went past its start); null when its header is incomplete.
	 */
	private Recovered recover(SegmentFile segment) throws IOException {
		Map<Long, RelationShape> relations = new LinkedHashMap<>();
		try (RecordCursor cursor = openCursor(segment)) {
			if (cursor == null) {
				return null;
			}
			boolean open = cursor.header().continuation();
			Lsn committedEnd = cursor.header().previousEnd();
			long whole = cursor.position();
			try {
				while (cursor.next()) {
					byte kind = cursor.kind();
					ByteBuffer payload = cursor.payload();
					if (kind == RecordCodec.SHAPE || kind == RecordCodec.RELATION) {
						RelationShape shape = ((ChangeEvent.Relation) RecordCodec.decode(kind, payload)).shape();
						relations.put(shape.id(), shape);
					}
					else if (kind == RecordCodec.BEGIN) {
						open = true;
					}
					else if (kind == RecordCodec.COMMIT) {
						open = false;
						committedEnd = RecordCodec.commitEnd(payload);
					}
					else if (kind == RecordCodec.ABORT) {
						open = false;
					}
					whole = cursor.position();
				}
			}
			catch (IllegalArgumentException ex) {
				// a torn record: cut below
			}
			long size = cursor.size();
			if (size > whole) {
				log.info("Dropping the last {} bytes of change file {}: a record cut by a crash", size - whole,
						segment.path().getFileName());
				try (FileChannel channel = FileChannel.open(segment.path(), StandardOpenOption.WRITE)) {
					channel.truncate(whole);
					channel.force(false);
				}
			}
			return new Recovered(whole, relations, committedEnd, open);
		}
	}

	/**
	 * A reader of the complete transactions whose commit end LSN is after {@code after}
	 * (the target origin's position), in commit order. It may run while the writer
	 * appends, in this process or another.
	 */
	public ChangeReader reader(Lsn after) {
		return new FileChangeReader(this, after);
	}

	/**
	 * Removes the files holding only transactions ending at or before {@code applied},
	 * the flushed position of the target's replication origin. The newest file, which the
	 * writer appends to, is never removed.
	 * @return how many files were removed
	 */
	public int removeUpTo(Lsn applied) {
		try {
			List<SegmentFile> segments = SegmentFile.list(this.dir);
			int removed = 0;
			for (int i = 0; i + 1 < segments.size(); i++) {
				// every transaction of file i ends at or before where file i+1 starts
				Lsn nextBase = base(segments, i + 1, false);
				if (nextBase == null || nextBase.isAfter(applied)) {
					break;
				}
				Files.delete(segments.get(i).path());
				removed++;
			}
			if (removed > 0) {
				log.debug("Removed {} change files applied up to {}", removed, applied);
			}
			return removed;
		}
		catch (IOException ex) {
			throw writeFailure(ex);
		}
	}

	/**
	 * The commit end LSN at or before which file {@code index} holds nothing needed: the
	 * end of the last commit before it, or, when it starts inside a transaction, that
	 * transaction's end (the end of the last commit before it when that transaction was
	 * aborted); null when not known yet.
	 * @param openAborted take a transaction still open at the end of the files as aborted
	 * (true when no writer runs: the next one aborts it)
	 */
	private Lsn base(List<SegmentFile> segments, int index, boolean openAborted) throws IOException {
		SegmentFile.Header header;
		try (RecordCursor cursor = openCursor(segments.get(index))) {
			if (cursor == null) {
				return null;
			}
			header = cursor.header();
			if (!header.continuation()) {
				return header.previousEnd();
			}
		}
		try (Scan scan = new Scan(segments, index)) {
			Terminator first = scan.nextTerminator();
			if (first == null) {
				return openAborted ? header.previousEnd() : null;
			}
			return first.committed() ? first.end() : header.previousEnd();
		}
	}

	/**
	 * The span the files cover: the commit end LSN of the first and of the last complete
	 * transaction held, or null when empty. A resume checks that this covers the gap
	 * between the origin's position and the slot's confirmed position (see
	 * {@link Coverage#base()} and {@link #held()}).
	 */
	public Coverage coverage() {
		try {
			List<SegmentFile> segments = SegmentFile.list(this.dir);
			if (segments.isEmpty()) {
				return null;
			}
			Lsn base = base(segments, 0, true);
			Lsn first;
			Lsn last = null;
			try (Scan scan = new Scan(segments, 0)) {
				RecordCursor head = openCursor(segments.get(0));
				boolean continuation = head != null && head.header().continuation();
				if (head != null) {
					head.close();
				}
				if (continuation && scan.nextTerminator() == null) {
					return null;
				}
				first = scan.nextCommit();
				if (first == null) {
					return null;
				}
				last = first;
				for (Lsn next = scan.nextCommit(); next != null; next = scan.nextCommit()) {
					last = next;
				}
			}
			return new Coverage(first, last, (base != null) ? base : Lsn.INVALID);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * What a resume may rely on: every transaction ending after {@code base} and at or
	 * before {@code through} is in the files. {@code through} is the last commit held or
	 * the received-through position receive recorded ({@link ChangeWriter#received}),
	 * whichever is later: an idle stream confirms keepalive positions past the last
	 * commit. {@code base} is {@link Lsn#INVALID} when the files hold everything since
	 * the stream started. Files are removed only once applied, so a resume whose origin
	 * is at or after {@code base} and whose slot confirmed at most {@code through} misses
	 * nothing.
	 */
	public record Held(Lsn base, Lsn through) {

		/**
		 * Why a resume from {@code origin} with the slot confirmed at {@code confirmed}
		 * would miss transactions; null when it misses none.
		 */
		public String gap(Lsn origin, Lsn confirmed) {
			if (!confirmed.isAfter(origin)) {
				return null;
			}
			if (origin.isBefore(this.base)) {
				return "the oldest change file starts after " + this.base
						+ " (the files before it were removed once applied: was the target restored from an older"
						+ " backup?)";
			}
			if (this.through.isBefore(confirmed)) {
				return (this.through.isValid()) ? "the change files hold only up to " + this.through
						: "the change files hold nothing";
			}
			return null;
		}

	}

	/** What the files and the received-through record hold, for a resume check. */
	public Held held() {
		try {
			List<SegmentFile> segments = SegmentFile.list(this.dir);
			Lsn base = Lsn.INVALID;
			if (!segments.isEmpty()) {
				Lsn first = base(segments, 0, true);
				base = (first != null) ? first : Lsn.INVALID;
			}
			Coverage coverage = coverage();
			Lsn through = receivedThrough();
			if (coverage != null && coverage.to().isAfter(through)) {
				through = coverage.to();
			}
			return new Held(base, through);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Records that the store holds every transaction ending at or before {@code through}
	 * (see {@link ChangeWriter#received}): a small file, written in place and made
	 * durable, its CRC telling a torn write.
	 */
	void recordReceived(Lsn through) {
		if (through.equals(this.recorded)) {
			return;
		}
		Path file = this.dir.resolve(RECEIVED_FILE);
		ByteBuffer bytes = ByteBuffer.allocate(RECEIVED_BYTES);
		bytes.putLong(through.value());
		CRC32C crc = new CRC32C();
		crc.update(bytes.array(), 0, Long.BYTES);
		bytes.putInt((int) crc.getValue());
		bytes.flip();
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			while (bytes.hasRemaining()) {
				channel.write(bytes, bytes.position());
			}
			channel.force(false);
		}
		catch (IOException ex) {
			throw writeFailure(ex);
		}
		if (!this.recorded.isValid()) {
			try {
				syncDirectory();
			}
			catch (IOException ex) {
				throw writeFailure(ex);
			}
		}
		this.recorded = through;
	}

	/**
	 * The received-through position last recorded ({@link ChangeWriter#received}),
	 * {@link Lsn#INVALID} when none (or torn by a crash: the last commit held is then all
	 * a resume relies on).
	 */
	public Lsn receivedThrough() {
		Path file = this.dir.resolve(RECEIVED_FILE);
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			return Lsn.INVALID;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (bytes.length != RECEIVED_BYTES) {
			return Lsn.INVALID;
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		CRC32C crc = new CRC32C();
		crc.update(bytes, 0, Long.BYTES);
		if ((int) crc.getValue() != buffer.getInt(Long.BYTES)) {
			log.warn("The received-through record {} is torn (a crash while it was written): a resume relies on the"
					+ " last commit held instead", file);
			return Lsn.INVALID;
		}
		return new Lsn(buffer.getLong(0));
	}

	/** Bytes used on disk by the change files. */
	public long diskBytes() {
		try {
			long bytes = 0;
			for (SegmentFile segment : SegmentFile.list(this.dir)) {
				try {
					bytes += Files.size(segment.path());
				}
				catch (NoSuchFileException ex) {
					// removed meanwhile
				}
			}
			return bytes;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Checks the room left for the change files: fails when the file system of the store
	 * has less than {@code minimumFreeBytes} free, and logs a WARN when the files have
	 * grown past the warning size (then at each doubling).
	 * @return the bytes the change files use
	 * @throws BadConfigException (exit code 2) naming --dir and the bytes needed and free
	 */
	public long checkDiskUse(long minimumFreeBytes) {
		long used = diskBytes();
		if (used > this.warnBytes) {
			log.warn("The change files in {} use {} MB: apply is behind receive (pgcopydb stream sentinel get shows"
					+ " the lag); check that apply runs (stream sentinel set apply) and the free space of --dir",
					this.dir, used >> 20);
			while (used > this.warnBytes) {
				this.warnBytes *= 2;
			}
		}
		long free;
		try {
			free = Files.getFileStore(this.dir).getUsableSpace();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (free < minimumFreeBytes) {
			throw new BadConfigException("--dir " + this.dir.getParent() + " has " + (free >> 20) + " MB free, the"
					+ " change files need at least " + (minimumFreeBytes >> 20) + " MB more (they use " + (used >> 20)
					+ " MB): free space on that file system, then rerun with --resume");
		}
		return used;
	}

	public Path dir() {
		return this.dir;
	}

	/**
	 * Opens a cursor on a file, mapping a file this program cannot read to a one-line
	 * error.
	 */
	RecordCursor openCursor(SegmentFile segment) throws IOException {
		try {
			return RecordCursor.open(segment);
		}
		catch (IllegalArgumentException ex) {
			throw corrupt(segment, -1, ex);
		}
	}

	BadStateException corrupt(SegmentFile segment, long offset, Exception cause) {
		return new BadStateException("change file " + segment.path() + " cannot be read"
				+ ((offset >= 0) ? " at offset " + offset : "") + " (" + cause.getMessage()
				+ "): it was changed or damaged outside pgcopydb; rerun with --restart to stream again from a new slot",
				cause);
	}

	BadConfigException writeFailure(IOException ex) {
		return new BadConfigException("cannot write the change files in " + this.dir + " ("
				+ ex.getClass().getSimpleName() + ": " + ex.getMessage()
				+ "): check the free space and permissions of --dir, then rerun with --resume", ex);
	}

	/** Makes file creations and removals in the directory durable. */
	void syncDirectory() throws IOException {
		try (FileChannel directory = FileChannel.open(this.dir, StandardOpenOption.READ)) {
			directory.force(true);
		}
		catch (IOException ex) {
			// some file systems cannot open a directory; the files' own fsync still holds
			log.debug("Cannot fsync directory {}: {}", this.dir, ex.getMessage());
		}
	}

	/**
	 * Wakes the readers of this instance: the writer handed complete records to the OS.
	 */
	void signal() {
		synchronized (this.signal) {
			this.version++;
			this.signal.notifyAll();
		}
	}

	long version() {
		synchronized (this.signal) {
			return this.version;
		}
	}

	/**
	 * Waits up to {@code millis} for a {@link #signal()} after {@code seen}; a writer in
	 * another process gives none, so readers poll with a short wait.
	 */
	void await(long seen, long millis) throws InterruptedException {
		synchronized (this.signal) {
			if (this.version == seen && millis > 0) {
				this.signal.wait(millis);
			}
		}
	}

	/**
	 * Walks the records of the files from one of them on, to find commits without
	 * decoding the rest.
	 */
	private final class Scan implements AutoCloseable {

		private final List<SegmentFile> segments;

		private int index;

		private RecordCursor cursor;

		Scan(List<SegmentFile> segments, int index) {
			this.segments = segments;
			this.index = index;
		}

		/** The end LSN of the next complete Commit; null when none. */
		Lsn nextCommit() throws IOException {
			for (Terminator next = nextTerminator(); next != null; next = nextTerminator()) {
				if (next.committed()) {
					return next.end();
				}
			}
			return null;
		}

		/** The next Commit or Abort record; null when none. */
		Terminator nextTerminator() throws IOException {
			while (this.index < this.segments.size()) {
				if (this.cursor == null) {
					this.cursor = openCursor(this.segments.get(this.index));
					if (this.cursor == null) {
						this.index++;
						continue;
					}
				}
				try {
					while (this.cursor.next()) {
						if (this.cursor.kind() == RecordCodec.COMMIT) {
							return new Terminator(true, RecordCodec.commitEnd(this.cursor.payload()));
						}
						if (this.cursor.kind() == RecordCodec.ABORT) {
							this.cursor.skip();
							return new Terminator(false, Lsn.INVALID);
						}
						this.cursor.skip();
					}
				}
				catch (IllegalArgumentException ex) {
					throw corrupt(this.cursor.segment(), this.cursor.position(), ex);
				}
				this.cursor.close();
				this.cursor = null;
				this.index++;
			}
			return null;
		}

		@Override
		public void close() {
			if (this.cursor != null) {
				this.cursor.close();
			}
		}

	}

	/** The end of a transaction in the files: its Commit's end LSN, or an Abort. */
	private record Terminator(boolean committed, Lsn end) {
	}

	/**
	 * @param from the end LSN of the oldest transaction held
	 * @param to the end LSN of the newest complete transaction held
	 * @param base every transaction whose commit ends after {@code base} (and at or
	 * before {@code to}) is held: a resume whose origin is at or after {@code base} and
	 * whose slot is at or before {@code to} misses nothing ({@link Lsn#INVALID}: held
	 * since the start of the stream)
	 */
	public record Coverage(Lsn from, Lsn to, Lsn base) {

		/** The span without a base, taken to be {@code from}'s predecessor unknown. */
		public Coverage(Lsn from, Lsn to) {
			this(from, to, from);
		}

		/**
		 * Whether every transaction ending after {@code origin} and at or before
		 * {@code slot} is held.
		 */
		public boolean covers(Lsn origin, Lsn slot) {
			return !slot.isAfter(origin) || (!origin.isBefore(this.base) && !slot.isAfter(this.to));
		}

	}

}
