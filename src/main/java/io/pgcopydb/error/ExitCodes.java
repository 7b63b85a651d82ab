package io.pgcopydb.error;

import java.sql.SQLException;
import java.util.List;

/**
 * The one mapping from failures to exit codes and to the line a user reads. An
 * exception we did not classify is a bug: {@link ExitCode#INTERNAL}, never 1.
 */
public final class ExitCodes {

	private ExitCodes() {
	}

	/** The failure that explains a run best: our own first, then PostgreSQL's. */
	public static Throwable mostRelevant(List<Throwable> failures) {
		for (Throwable failure : failures) {
			if (find(failure, PgCopyException.class) != null) {
				return failure;
			}
		}
		for (Throwable failure : failures) {
			if (find(failure, SQLException.class) != null) {
				return failure;
			}
		}
		return failures.isEmpty() ? null : failures.get(0);
	}

	public static ExitCode of(Throwable failure) {
		PgCopyException ours = find(failure, PgCopyException.class);
		if (ours != null) {
			return ours.exitCode();
		}
		if (find(failure, SQLException.class) != null) {
			return ExitCode.POSTGRES;
		}
		return ExitCode.INTERNAL;
	}

	/** One line: our message when we have one, else the innermost cause's. */
	public static String message(Throwable failure) {
		PgCopyException ours = find(failure, PgCopyException.class);
		if (ours != null) {
			return ours.getMessage();
		}
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String text = (root.getMessage() != null) ? root.getMessage() : root.getClass().getName();
		int newline = text.indexOf('\n');
		return (newline < 0) ? text : text.substring(0, newline);
	}

	private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

}
