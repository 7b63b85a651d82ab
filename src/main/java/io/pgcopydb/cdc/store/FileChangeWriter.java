package io.pgcopydb.cdc.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
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
 * A transaction whose commit does not end after the last commit written (the server
 * sending again what the store holds, after a restart from an older confirmed position)
 * is dropped whole: the store holds each transaction once. The decision is taken at its
 * Commit, on the commit's end LSN, the one position every output plugin gives (a Begin's
 * commit LSN is unknown to test_decoding); the records already written stay and an
 * {@link RecordCodec#ABORT} record ends them instead of the Commit. The files are only
 * ever appended to, so a reader's cursor, which runs ahead over the records of an open
 * transaction, is never left pointing into records written again.
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

	private Lsn transactionLsn = Lsn.INVALID;

	/** The end LSN of the last Commit written. */
	private Lsn committedEnd;

	/**
	 * @param segment the newest file, to append to at {@code size}, or null
	 * @param relations the shapes written so far
	 * @param committedEnd the end LSN of the last commit held
	 */
	FileChangeWriter(ChangeStore store, long segmentBytes, SegmentFile segment, long size,
			Map<Long, RelationShape> relations, Lsn committedEnd, boolean openTransaction) throws IOException {
		this.store = store;
		this.segmentBytes = segmentBytes;
		this.relations = new LinkedHashMap<>(relations);
		this.committedEnd = committedEnd;
		if (segment != null) {
			this.segment = segment;
			this.channel = FileChannel.open(segment.path(), StandardOpenOption.WRITE);
			this.written = size;
			if (openTransaction) {
				// the previous writer left a transaction without its Commit: the server
				// sends it again from the confirmed position
				log.info("Change file {}: ending the incomplete transaction at its end (cut by a lost connection"
						+ " or a crash); the source sends it again", segment.path().getFileName());
				append(RecordCodec.ABORT, null);
				flushBuffer();
				this.channel.force(false);
				this.store.signal();
			}
		}
	}

	@Override
	public void write(ChangeEvent event) {
		try {
			if (event instanceof ChangeEvent.Begin begin) {
				if (this.inTransaction) {
					throw new IllegalStateException("Begin of " + begin.finalLsn() + " inside the transaction of "
							+ this.transactionLsn + ": a decoder bug");
				}
				this.inTransaction = true;
				this.transactionLsn = begin.finalLsn();
			}
			if (this.channel == null || size() >= this.segmentBytes) {
				rotate(this.inTransaction && !(event instanceof ChangeEvent.Begin));
			}
			if (event instanceof ChangeEvent.Relation relation) {
				this.relations.put(relation.shape().id(), relation.shape());
			}
			if (event instanceof ChangeEvent.Commit commit) {
				this.inTransaction = false;
				if (this.committedEnd.isValid() && !commit.endLsn().isAfter(this.committedEnd)) {
					log.debug("Dropping the transaction ending at {}: the change files hold it already (through {})",
							commit.endLsn(), this.committedEnd);
					append(RecordCodec.ABORT, null);
				}
				else {
					append(RecordCodec.COMMIT, event);
					this.committedEnd = commit.endLsn();
				}
				flushBuffer();
				this.store.signal();
				return;
			}
			append(RecordCodec.kind(event), event);
		}
		catch (IOException ex) {
			throw this.store.writeFailure(ex);
		}
	}

	private void append(byte kind, ChangeEvent event) throws IOException {
		this.record.clear();
		if (kind == RecordCodec.ABORT) {
			// no payload
		}
		else if (kind == RecordCodec.SHAPE) {
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
	 * Starts a new file named after the end of the last commit written (the next part
	 * when that name is taken: names never go back), after handing the current one to the
	 * disk: the old file is complete before the new one exists, which readers rely on.
	 */
	private void rotate(boolean continuation) throws IOException {
		Lsn lsn = this.committedEnd;
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
	public void received(Lsn through) {
		this.store.recordReceived(through);
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
