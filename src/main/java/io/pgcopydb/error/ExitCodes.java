package io.pgcopydb.error;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The one mapping from failures to exit codes and to the line a user reads. An exception
 * we did not classify is a bug: {@link ExitCode#INTERNAL}, never 1.
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
		Throwable source = (ours != null) ? ours : causes(failure).get(causes(failure).size() - 1);
		String text = (source.getMessage() != null) ? source.getMessage() : source.getClass().getName();
		return text.lines().findFirst().orElse("").strip();
	}

	private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
		for (Throwable cause : causes(failure)) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	/**
	 * The cause chain, outermost first, each throwable once: Java allows cause cycles.
	 */
	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
			chain.add(cause);
		}
		return chain;
	}

}
