package io.pgcopydb.cdc.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.decode.ChangeEvent;
import io.pgcopydb.cdc.decode.RelationShape;

/**
 * Appends records to the newest change file through a buffer, and hands the buffer to the
 * operating system at every Commit (a write, no fsync) so that readers in any process see
 * complete transactions at once; {@link #sync()} is the only fsync. A file past the
 * segment size is followed by a new one at the next record, which starts with the shape
 * of every relation written so far (see {@link ChangeStore}).
 * <p>
 * A transaction whose commit is not after the last commit written (the server sending
 * again what the store holds, after a restart from an older confirmed position) is
 * dropped whole: the store holds each transaction once. With a commit LSN at Begin
 * (pgoutput, wal2json) it is dropped there; a plugin that only knows the commit at its
 * end (test_decoding: {@link Lsn#INVALID} at Begin) is decided at Commit, by its end LSN:
 * a duplicate still in the buffer is cut back to its Begin, readers never saw it; one
 * already handed to the operating system (bigger than the buffer) fails the receive
 * without its Commit, so the next writer drops it as a cut transaction and the server,
 * asked to restart at the held end, does not send it again.
 */
final class FileChangeWriter implements ChangeWriter {

	private static final Logger log = LoggerFactory.getLogger(FileChangeWriter.class);

	private static final int BUFFER_BYTES = 1 << 20;

	private final ChangeStore store;

	private final long segmentBytes;

	private final Map<Long, RelationShape> relations;

	private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);

	private final RecordCodec.Output record = new RecordCodec.Output();

	private final CRC32C crc = new CRC32C();

	private SegmentFile segment;

	private FileChannel channel;

	/** Bytes of the current file handed to the operating system. */
	private long written;

	private boolean directoryChanged;

	private boolean inTransaction;

	private boolean dropping;

	private Lsn transactionLsn = Lsn.INVALID;

	/**
	 * Where the open transaction's Begin starts in {@link #buffer}, -1 once part of it
	 * left the buffer.
	 */
	private int transactionStart = -1;

	/** Relations written in the open transaction. */
	private final List<ChangeEvent.Relation> transactionRelations = new ArrayList<>();

	/** Relations of a duplicate cut at Commit, written again after the next Begin. */
	private final List<ChangeEvent.Relation> carriedRelations = new ArrayList<>();

	/** The end LSN of the last Commit written. */
	private Lsn committedEnd;

	/**
	 * @param segment the newest file, to append to at {@code size}, or null
	 * @param relations the shapes written so far
	 * @param committedEnd the end LSN of the last commit held
	 */
	FileChangeWriter(ChangeStore store, long segmentBytes, SegmentFile segment, long size,
			Map<Long, RelationShape> relations, Lsn committedEnd) throws IOException {
		this.store = store;
		this.segmentBytes = segmentBytes;
		this.relations = new LinkedHashMap<>(relations);
		this.committedEnd = committedEnd;
		if (segment != null) {
			this.segment = segment;
			this.channel = FileChannel.open(segment.path(), StandardOpenOption.WRITE);
			this.written = size;
		}
	}

	@Override
	public void write(ChangeEvent event) {
		if (this.dropping) {
			if (event instanceof ChangeEvent.Relation relation) {
				this.relations.put(relation.shape().id(), relation.shape());
				this.carriedRelations.add(relation);
			}
			this.dropping = !(event instanceof ChangeEvent.Commit);
			return;
		}
		try {
			if (event instanceof ChangeEvent.Begin begin) {
				if (this.inTransaction) {
					throw new IllegalStateException("Begin of " + begin.finalLsn() + " inside the transaction of "
							+ this.transactionLsn + ": a decoder bug");
				}
				if (this.committedEnd.isValid() && begin.finalLsn().isValid()
						&& begin.finalLsn().isBefore(this.committedEnd)) {
					log.debug("Dropping the transaction committed at {}: the change files hold it already",
							begin.finalLsn());
					this.dropping = true;
					return;
				}
				Lsn name = begin.finalLsn().isValid() ? begin.finalLsn() : this.committedEnd;
				if (this.channel == null || size() >= this.segmentBytes) {
					rotate(name, false);
				}
				this.inTransaction = true;
				this.transactionLsn = name;
				this.transactionStart = this.buffer.position();
				append(RecordCodec.kind(event), event);
				for (ChangeEvent.Relation carried : this.carriedRelations) {
					append(RecordCodec.kind(carried), carried);
					this.transactionRelations.add(carried);
				}
				this.carriedRelations.clear();
				return;
			}
			else if (event instanceof ChangeEvent.Commit commit && this.committedEnd.isValid()
					&& commit.endLsn().isValid() && !commit.endLsn().isAfter(this.committedEnd)) {
				dropWritten(commit);
				return;
			}
			else if (this.channel == null || size() >= this.segmentBytes) {
				rotate(this.inTransaction ? this.transactionLsn : this.committedEnd, this.inTransaction);
			}
			if (event instanceof ChangeEvent.Relation relation) {
				this.relations.put(relation.shape().id(), relation.shape());
				if (this.inTransaction) {
					if (this.transactionRelations.contains(relation)) {
						// carried from a dropped duplicate and written at Begin already
						return;
					}
					this.transactionRelations.add(relation);
				}
			}
			append(RecordCodec.kind(event), event);
			if (event instanceof ChangeEvent.Commit commit) {
				this.inTransaction = false;
				this.transactionRelations.clear();
				this.committedEnd = commit.endLsn();
				flushBuffer();
				this.store.signal();
			}
		}
		catch (IOException ex) {
			throw this.store.writeFailure(ex);
		}
	}

	/**
	 * Cuts the open transaction, a duplicate known at its Commit, back to its Begin; its
	 * relations go with the next transaction (the decoder will not send them again).
	 */
	private void dropWritten(ChangeEvent.Commit commit) throws IOException {
		if (this.transactionStart < 0) {
			throw new IllegalStateException("the transaction ending at " + commit.endLsn()
					+ " is held already (the change files end at " + this.committedEnd
					+ ") and was too big to drop in memory: run again with --resume, it is dropped then");
		}
		this.carriedRelations.addAll(this.transactionRelations);
		this.transactionRelations.clear();
		this.buffer.position(this.transactionStart);
		this.inTransaction = false;
		this.transactionStart = -1;
		log.debug("Dropped the transaction ending at {}: the change files hold it already", commit.endLsn());
	}

	private void append(byte kind, ChangeEvent event) throws IOException {
		this.record.clear();
		if (kind == RecordCodec.SHAPE) {
			RecordCodec.encodeShape(((ChangeEvent.Relation) event).shape(), this.record);
		}
		else {
			RecordCodec.encode(event, this.record);
		}
		ByteBuffer payload = this.record.buffer().flip();
		int length = payload.remaining();
		this.crc.reset();
		this.crc.update(kind);
		this.crc.update(payload.array(), 0, length);
		if (this.buffer.remaining() < SegmentFile.RECORD_HEADER_BYTES + length) {
			flushBuffer();
		}
		this.buffer.putInt(length).put(kind).putInt((int) this.crc.getValue());
		if (this.buffer.remaining() >= length) {
			this.buffer.put(payload);
		}
		else {
			flushBuffer();
			writeFully(payload);
		}
	}

	/** Bytes of the current file, buffered ones included. */
	private long size() {
		return this.written + this.buffer.position();
	}

	/**
	 * Starts a new file named {@code lsn} (the next part when that name is taken), after
	 * handing the current one to the disk: the old file is complete before the new one
	 * exists, which readers rely on.
	 */
	private void rotate(Lsn lsn, boolean continuation) throws IOException {
		int part = 0;
		if (this.channel != null) {
			flushBuffer();
			this.channel.force(false);
			this.channel.close();
			if (this.segment.lsn().equals(lsn)) {
				part = this.segment.part() + 1;
			}
		}
		this.segment = SegmentFile.of(this.store.dir(), lsn, part);
		this.channel = FileChannel.open(this.segment.path(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		this.directoryChanged = true;
		this.written = 0;
		writeFully(SegmentFile.header(continuation, this.committedEnd));
		for (RelationShape shape : this.relations.values()) {
			append(RecordCodec.SHAPE, new ChangeEvent.Relation(shape));
		}
	}

	private void flushBuffer() throws IOException {
		if (this.buffer.position() > 0) {
			// what leaves the buffer can no longer be cut in memory (see dropWritten)
			this.transactionStart = -1;
			this.buffer.flip();
			writeFully(this.buffer);
			this.buffer.clear();
		}
	}

	private void writeFully(ByteBuffer bytes) throws IOException {
		while (bytes.hasRemaining()) {
			this.written += this.channel.write(bytes, this.written);
		}
	}

	@Override
	public Lsn sync() {
		try {
			if (this.channel != null) {
				flushBuffer();
				this.channel.force(false);
				this.store.signal();
			}
			if (this.directoryChanged) {
				this.store.syncDirectory();
				this.directoryChanged = false;
			}
			return this.committedEnd;
		}
		catch (IOException ex) {
			throw this.store.writeFailure(ex);
		}
	}

	@Override
	public boolean inTransaction() {
		return this.inTransaction;
	}

	@Override
	public void close() {
		if (this.channel != null) {
			sync();
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				throw this.store.writeFailure(ex);
			}
			this.channel = null;
		}
	}

}
