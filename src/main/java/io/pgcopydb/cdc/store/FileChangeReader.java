package io.pgcopydb.cdc.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;

/**
 * Reads the change files with two cursors: a scan cursor runs ahead over record headers
 * (no decoding) to the next Commit, the frontier; the read cursor decodes and returns
 * records only up to it. So a transaction's Begin is returned once its Commit is in the
 * file, and memory holds one record, whatever the size of the transaction; the Commit
 * found also gives the transaction's end LSN with its Begin ({@link #transactionEnd()}).
 * Transactions ending at or before {@code after}, and those ended by an Abort record (not
 * held, see {@link FileChangeWriter}), are passed over, keeping only the relation shapes
 * they hold; records before the first Begin (the end of a transaction begun in a removed
 * file) too. A relation's shape is returned inside the transaction, before its first row
 * here (see {@link ChangeStore}).
 * <p>
 * Tailing: at the end of the files the reader waits for its store's signal (a writer in
 * this process) or polls every {@value #POLL_MILLIS} ms (a writer in another process).
 */
final class FileChangeReader implements ChangeReader {

	private static final long POLL_MILLIS = 20;

	private final ChangeStore store;

	private final Lsn after;

	private final Map<Long, RelationShape> known = new HashMap<>();

	private final Map<Long, RelationShape> returned = new HashMap<>();

	private final ArrayDeque<ChangeEvent> pending = new ArrayDeque<>();

	private RecordCursor read;

	private RecordCursor scan;

	/** The file and offset after the last Commit the scan found. */
	private SegmentFile frontierSegment;

	private long frontierOffset;

	private Lsn frontierEnd = Lsn.INVALID;

	/**
	 * Whether the record at the frontier is an Abort: the transaction before it is not
	 * held.
	 */
	private boolean frontierAborted;

	/** The commit end LSN of the transaction whose Begin was returned last. */
	private Lsn transactionEnd = Lsn.INVALID;

	private boolean inTransaction;

	private boolean passing;

	private boolean closed;

	FileChangeReader(ChangeStore store, Lsn after) {
		this.store = store;
		this.after = after;
	}

	@Override
	public ChangeEvent next(Duration wait) throws InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		try {
			while (true) {
				if (!this.pending.isEmpty()) {
					return this.pending.poll();
				}
				if (beforeFrontier()) {
					ChangeEvent event = readRecord();
					if (event != null) {
						return event;
					}
					continue;
				}
				long seen = this.store.version();
				if (advanceFrontier()) {
					continue;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return null;
				}
				this.store.await(seen, Math.min(POLL_MILLIS, Math.max(1, left / 1_000_000)));
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
			}
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException("reading the change files in " + this.store.dir(), ex);
		}
	}

	private boolean beforeFrontier() throws IOException {
		if (this.frontierSegment == null) {
			return false;
		}
		if (this.read == null) {
			this.read = openNext(null);
		}
		while (this.read.segment().compareTo(this.frontierSegment) < 0) {
			if (hasRecord(this.read)) {
				return true;
			}
			// the rest up to the frontier is in a later file
			this.read = openNext(this.read);
		}
		return this.read.position() < this.frontierOffset;
	}

	private boolean hasRecord(RecordCursor cursor) throws IOException {
		try {
			return cursor.next();
		}
		catch (IllegalArgumentException ex) {
			throw this.store.corrupt(cursor.segment(), cursor.position(), ex);
		}
	}

	/**
	 * A cursor on the file after {@code current}'s (the oldest file when null), which the
	 * scan has seen: it exists and has its header.
	 */
	private RecordCursor openNext(RecordCursor current) throws IOException {
		SegmentFile previous = (current != null) ? current.segment() : null;
		if (current != null) {
			current.close();
		}
		SegmentFile next = nextSegment(previous);
		RecordCursor cursor = (next != null) ? this.store.openCursor(next) : null;
		if (cursor == null) {
			throw new IllegalStateException("the change file after " + previous + " is gone or has no header");
		}
		return cursor;
	}

	/** The oldest file after {@code current} (the oldest when null), or null. */
	private SegmentFile nextSegment(SegmentFile current) throws IOException {
		List<SegmentFile> segments = SegmentFile.list(this.store.dir());
		for (SegmentFile segment : segments) {
			if (current == null || segment.compareTo(current) > 0) {
				return segment;
			}
		}
		return null;
	}

	/**
	 * Moves the scan cursor to the next complete Commit; false when the files hold none
	 * yet.
	 */
	private boolean advanceFrontier() throws IOException {
		while (true) {
			if (this.scan == null) {
				SegmentFile first = nextSegment(null);
				if (first == null) {
					return false;
				}
				this.scan = this.store.openCursor(first);
				if (this.scan == null) {
					return false;
				}
			}
			try {
				while (this.scan.next()) {
					if (this.scan.kind() == RecordCodec.COMMIT || this.scan.kind() == RecordCodec.ABORT) {
						this.frontierAborted = this.scan.kind() == RecordCodec.ABORT;
						if (this.frontierAborted) {
							this.scan.skip();
						}
						else {
							this.frontierEnd = RecordCodec.commitEnd(this.scan.payload());
						}
						this.frontierSegment = this.scan.segment();
						this.frontierOffset = this.scan.position();
						return true;
					}
					this.scan.skip();
				}
			}
			catch (IllegalArgumentException ex) {
				throw this.store.corrupt(this.scan.segment(), this.scan.position(), ex);
			}
			// the writer creates the next file once this one is complete
			SegmentFile next = nextSegment(this.scan.segment());
			if (next == null) {
				return false;
			}
			RecordCursor cursor = this.store.openCursor(next);
			if (cursor == null) {
				return false;
			}
			if (this.scan.next()) {
				// the writer appended meanwhile, before creating the next file
				cursor.close();
				continue;
			}
			this.scan.close();
			this.scan = cursor;
		}
	}

	/** Decodes the record at the read cursor; null when it is not returned. */
	private ChangeEvent readRecord() throws IOException {
		RecordCursor cursor = this.read;
		long offset = cursor.position();
		byte kind;
		ChangeEvent event;
		try {
			if (!cursor.next()) {
				throw new IllegalArgumentException("record before the last commit found is incomplete");
			}
			kind = cursor.kind();
			if (this.passing || !this.inTransaction) {
				if (kind != RecordCodec.SHAPE && kind != RecordCodec.RELATION && kind != RecordCodec.BEGIN
						&& kind != RecordCodec.COMMIT && kind != RecordCodec.ABORT) {
					cursor.skip();
					return null;
				}
			}
			if (kind == RecordCodec.ABORT) {
				// the transaction read so far is not held: passed over
				cursor.skip();
				this.inTransaction = false;
				this.passing = false;
				return null;
			}
			ByteBuffer payload = cursor.payload();
			event = RecordCodec.decode(kind, payload);
		}
		catch (IllegalArgumentException ex) {
			throw this.store.corrupt(cursor.segment(), offset, ex);
		}
		if (event instanceof ChangeEvent.Relation relation) {
			this.known.put(relation.shape().id(), relation.shape());
			if (kind == RecordCodec.SHAPE || this.passing || !this.inTransaction) {
				return null;
			}
			this.returned.put(relation.shape().id(), relation.shape());
			return event;
		}
		if (event instanceof ChangeEvent.Begin) {
			// the frontier is the end of this transaction: the scan stopped at the first
			// Commit or Abort after the previous one
			this.inTransaction = true;
			this.passing = this.frontierAborted || !this.frontierEnd.isAfter(this.after);
			if (!this.passing) {
				this.transactionEnd = this.frontierEnd;
			}
			return this.passing ? null : event;
		}
		if (event instanceof ChangeEvent.Commit) {
			boolean wasReturned = this.inTransaction && !this.passing;
			this.inTransaction = false;
			this.passing = false;
			return wasReturned ? event : null;
		}
		if (event instanceof ChangeEvent.Insert insert) {
			return withShapes(event, List.of(insert.relationId()));
		}
		if (event instanceof ChangeEvent.Update update) {
			return withShapes(event, List.of(update.relationId()));
		}
		if (event instanceof ChangeEvent.Delete delete) {
			return withShapes(event, List.of(delete.relationId()));
		}
		return withShapes(event, ((ChangeEvent.Truncate) event).relationIds());
	}

	/**
	 * {@code event}, preceded by the Relation of each table it refers to whose shape was
	 * not returned yet.
	 */
	private ChangeEvent withShapes(ChangeEvent event, List<Long> relationIds) {
		for (long id : relationIds) {
			RelationShape shape = this.known.get(id);
			if (shape != null && !shape.equals(this.returned.get(id))) {
				this.returned.put(id, shape);
				this.pending.add(new ChangeEvent.Relation(shape));
			}
		}
		if (this.pending.isEmpty()) {
			return event;
		}
		this.pending.add(event);
		return this.pending.poll();
	}

	@Override
	public Lsn transactionEnd() {
		return this.transactionEnd;
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			if (this.read != null) {
				this.read.close();
			}
			if (this.scan != null) {
				this.scan.close();
			}
		}
	}

}
