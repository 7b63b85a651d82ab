package io.pgcopydb.cdc.apply;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.PgCopyException;

/**
 * Which apply session each source transaction went to, kept in {@code --dir} when apply
 * runs several sessions: each session has its own replication origin, and after a crash a
 * transaction is applied already exactly when its session's origin is at or past its end.
 * So a transaction's line is made durable ({@link #sync()}) before the target transaction
 * that holds it commits. The first line says how many sessions the follow runs with, and
 * a run with another count is refused: the origins tell what is applied only with the
 * lines of the same sessions.
 * <p>
 * Lines at or before every session's flushed position are not needed any more: the file
 * is rewritten without them when it has grown ({@link #compact}).
 */
final class SessionLog implements AutoCloseable {

	static final String FILE = io.pgcopydb.config.WorkDirectory.SESSION_LOG;

	private static final String HEADER = "pgcopydb apply sessions ";

	/** The file is rewritten past this size, keeping the lines still needed. */
	private static final long COMPACT_BYTES = 4L << 20;

	private final Path file;

	private final int sessions;

	/** The lines of the file: a transaction's end, and its session. */
	private final ArrayDeque<Entry> entries = new ArrayDeque<>();

	private BufferedWriter writer;

	private FileChannel channel;

	private long written;

	/** The size of the file after the last compaction. */
	private long kept;

	private boolean dirty;

	private final boolean created;

	private SessionLog(Path file, int sessions, List<Entry> read, boolean created) {
		this.file = file;
		this.sessions = sessions;
		this.entries.addAll(read);
		this.created = created;
	}

	/**
	 * Opens the log in {@code dir}, creating it (durably, with its count) when missing.
	 * @throws BadStateException when it says another count of sessions
	 */
	static SessionLog open(Path dir, int sessions) {
		Path file = dir.resolve(FILE);
		try {
			Files.createDirectories(dir);
			boolean created = false;
			List<Entry> read = List.of();
			if (Files.exists(file)) {
				read = read(file, sessions);
			}
			else {
				write(file, sessions, List.of());
				created = true;
			}
			SessionLog log = new SessionLog(file, sessions, read, created);
			log.openForAppend();
			return log;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot open the apply session log " + file + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * The count of sessions a log in {@code dir} records, or 0 when there is none (the
	 * follow applied with one session, or has not applied).
	 */
	static int recordedSessions(Path dir) {
		Path file = dir.resolve(FILE);
		if (!Files.exists(file)) {
			return 0;
		}
		try {
			return header(file, Files.readAllLines(file, StandardCharsets.US_ASCII));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the apply session log " + file + ": " + ex.getMessage(), ex);
		}
	}

	private static int header(Path file, List<String> lines) {
		if (lines.isEmpty() || !lines.get(0).startsWith(HEADER)) {
			throw corrupt(file, "no header line");
		}
		try {
			return Integer.parseInt(lines.get(0).substring(HEADER.length()).trim());
		}
		catch (NumberFormatException ex) {
			throw corrupt(file, "a bad header line");
		}
	}

	private static List<Entry> read(Path file, int sessions) throws IOException {
		List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
		int recorded = header(file, lines);
		if (recorded != sessions) {
			throw new BadStateException("this follow applied with " + recorded + " apply sessions (" + file
					+ ") and each session's origin says what it applied: resume with --apply-jobs " + recorded
					+ " (or without --apply-jobs), or start over with --restart");
		}
		List<Entry> entries = new java.util.ArrayList<>(lines.size());
		for (int i = 1; i < lines.size(); i++) {
			String line = lines.get(i);
			int space = line.indexOf(' ');
			if (space < 0) {
				// a line cut by a crash: written after the last sync, so never needed
				continue;
			}
			try {
				int session = Integer.parseInt(line.substring(space + 1));
				if (session < 0 || session >= sessions) {
					continue;
				}
				entries.add(new Entry(Lsn.parse(line.substring(0, space), "apply session log"), session));
			}
			catch (RuntimeException ex) {
				// the same: a partial last line
			}
		}
		return entries;
	}

	private static PgCopyException corrupt(Path file, String what) {
		return new PgCopyException(ExitCode.BAD_STATE, "the apply session log " + file + " has " + what
				+ ": it is not a file pgcopydb wrote; start over with --restart");
	}

	private static void write(Path file, int sessions, Iterable<Entry> entries) throws IOException {
		Path temporary = file.resolveSibling(FILE + ".new");
		try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII)) {
			out.write(HEADER + sessions + "\n");
			for (Entry entry : entries) {
				out.write(entry.end().asString() + " " + entry.session() + "\n");
			}
		}
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		try {
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException ex) {
			Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
		}
		try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
			directory.force(true);
		}
		catch (IOException ex) {
			// some file systems cannot open a directory; the file's own fsync still holds
		}
	}

	private void openForAppend() throws IOException {
		this.channel = FileChannel.open(this.file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
		this.writer = new BufferedWriter(java.nio.channels.Channels.newWriter(this.channel, StandardCharsets.US_ASCII),
				1 << 16);
		this.written = this.channel.size();
	}

	/** Whether this open made the file: no transaction went to any session before. */
	boolean created() {
		return this.created;
	}

	/** The session each transaction read back went to; the last line of one wins. */
	Map<Lsn, Integer> assignments() {
		Map<Lsn, Integer> map = new HashMap<>(this.entries.size() * 2);
		for (Entry entry : this.entries) {
			map.put(entry.end(), entry.session());
		}
		return map;
	}

	/** Records that the transaction ending at {@code end} goes to {@code session}. */
	void record(Lsn end, int session) {
		String line = end.asString() + " " + session + "\n";
		try {
			this.writer.write(line);
		}
		catch (IOException ex) {
			throw failure(ex);
		}
		this.written += line.length();
		this.entries.add(new Entry(end, session));
		this.dirty = true;
	}

	/** Makes every line recorded so far durable. */
	void sync() {
		if (!this.dirty) {
			return;
		}
		try {
			this.writer.flush();
			this.channel.force(false);
		}
		catch (IOException ex) {
			throw failure(ex);
		}
		this.dirty = false;
	}

	/**
	 * Rewrites the file without the lines at or before {@code flushed}, every session's
	 * flushed position, once it has grown past its bound.
	 */
	void compact(Lsn flushed) {
		if (this.written < Math.max(COMPACT_BYTES, 2 * this.kept) || !flushed.isValid()) {
			return;
		}
		while (!this.entries.isEmpty() && !this.entries.peekFirst().end().isAfter(flushed)) {
			this.entries.pollFirst();
		}
		try {
			this.writer.flush();
			this.channel.close();
			write(this.file, this.sessions, this.entries);
			openForAppend();
			// rewritten again only once it has doubled: lines a session still needs are
			// not
			// copied over and over
			this.kept = this.written;
			this.dirty = false;
		}
		catch (IOException ex) {
			throw failure(ex);
		}
	}

	private UncheckedIOException failure(IOException ex) {
		return new UncheckedIOException(
				"cannot write the apply session log " + this.file + ": " + ex.getMessage() + " (is --dir full?)", ex);
	}

	@Override
	public void close() {
		try {
			this.writer.flush();
			this.channel.close();
		}
		catch (IOException ignored) {
			// lines not synced were not needed by any commit
		}
	}

	/** A transaction's end, and the session it went to. */
	record Entry(Lsn end, int session) {
	}

}
