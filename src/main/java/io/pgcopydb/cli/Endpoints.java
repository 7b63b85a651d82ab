package io.pgcopydb.cli;

import io.pgcopydb.config.ConnectionString;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.error.BadArgumentsException;

/** The --source and --target of every command: the option, else pgcopydb's variable. */
final class Endpoints {

	private Endpoints() {
	}

	static PgEndpoint of(Side side, String option) {
		String raw = (option != null && !option.isBlank()) ? option : System.getenv(side.environmentVariable());
		if (raw == null || raw.isBlank()) {
			throw new BadArgumentsException("no " + side.label() + " database: pass " + side.option()
					+ " <connection string> or set " + side.environmentVariable());
		}
		return new PgEndpoint(side, ConnectionString.parse(raw, side.option()));
	}

}
