package io.pgcopydb.cdc.decode;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.pgcopydb.error.BadStateException;

/**
 * The in-progress transactions pgoutput streams (protocol 2), each kept in its own spill
 * file until its stream commit or abort, so that memory does not grow with a
 * transaction's size. A record is the raw message with the (sub)transaction id it
 * carries; a subtransaction abort marks that id, and its changes are skipped on replay.
 * Relation and Type messages are always replayed: the server sends a relation's
 * description once per streamed transaction, possibly inside a subtransaction that later
 * aborts, and the changes after it still refer to it.
 * <p>
 * Not durable, on purpose: a restarted stream sends in-progress transactions again from
 * their first change, so files left by an earlier process are deleted on start.
 */
final class StreamedTransactions {

	private static final String SUFFIX = ".pgoutput-stream";

	private final Path directory;

	private final Map<Long, Open> open = new HashMap<>();

	StreamedTransactions(Path directory) {
		this.directory = directory;
		try {
			Files.createDirectories(directory);
			try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
				for (Path leftover : leftovers) {
					Files.delete(leftover);
				}
			}
		}
		catch (IOException ex) {
			throw spillFailure(directory, ex);
		}
	}

	/** Appends one message (type byte first) of the streamed transaction {@code xid}. */
	void append(long xid, ByteBuffer message) {
		Open transaction = this.open.computeIfAbsent(xid, this::create);
		int subXid = (message.remaining() >= 5) ? message.getInt(message.position() + 1) : 0;
		try {
			transaction.out.writeInt(subXid);
			transaction.out.writeInt(message.remaining());
			transaction.out.write(message.array(), message.arrayOffset() + message.position(), message.remaining());
		}
		catch (IOException ex) {
			throw spillFailure(transaction.file, ex);
		}
	}

	/**
	 * A stream abort: the whole transaction when {@code subXid} is {@code xid}, else that
	 * subtransaction's changes.
	 */
	void abort(long xid, long subXid) {
		if (xid == subXid) {
			discard(xid);
			return;
		}
		Open transaction = this.open.get(xid);
		if (transaction != null) {
			transaction.aborted.add((int) subXid);
		}
	}

	/**
	 * Hands every surviving message of {@code xid} to {@code message}, in arrival order,
	 * then deletes the file. A transaction with no streamed message replays nothing.
	 */
	void replay(long xid, Consumer<ByteBuffer> message) {
		Open transaction = this.open.remove(xid);
		if (transaction == null) {
			return;
		}
		try {
			transaction.out.close();
			try (DataInputStream in = new DataInputStream(
					new BufferedInputStream(Files.newInputStream(transaction.file), 1 << 16))) {
				while (true) {
					int subXid;
					try {
						subXid = in.readInt();
					}
					catch (EOFException end) {
						break;
					}
					byte[] bytes = new byte[in.readInt()];
					in.readFully(bytes);
					char kind = (char) bytes[0];
					if (!transaction.aborted.contains(subXid) || kind == 'R' || kind == 'Y') {
						message.accept(ByteBuffer.wrap(bytes));
					}
				}
			}
			Files.deleteIfExists(transaction.file);
		}
		catch (IOException ex) {
			throw spillFailure(transaction.file, ex);
		}
	}

	/** Streamed transactions not yet committed or aborted. */
	int openCount() {
		return this.open.size();
	}

	private void discard(long xid) {
		Open transaction = this.open.remove(xid);
		if (transaction != null) {
			try {
				transaction.out.close();
				Files.deleteIfExists(transaction.file);
			}
			catch (IOException ex) {
				throw spillFailure(transaction.file, ex);
			}
		}
	}

	private Open create(long xid) {
		Path file = this.directory.resolve(Long.toUnsignedString(xid) + SUFFIX);
		try {
			return new Open(file, new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)),
					new HashSet<>());
		}
		catch (IOException ex) {
			throw spillFailure(file, ex);
		}
	}

	private static BadStateException spillFailure(Path file, IOException ex) {
		return new BadStateException("pgoutput: cannot spill a streamed transaction to " + file + ": " + ex.getMessage()
				+ "; free space there or use another --dir", ex);
	}

	private record Open(Path file, DataOutputStream out, Set<Integer> aborted) {
	}

}
