package io.pgcopydb.cdc.decode;

/**
 * One column value of a changed row, as the source rendered it in text under the pinned
 * session settings ({@link io.pgcopydb.config.SessionSettings}): exact, and read back by
 * the target's input function of the same type. {@link #UNCHANGED} is a TOASTed value the
 * change did not touch and the plugin did not send: it must never be written.
 */
public record Value(Kind kind, String text) {

	public static final Value NULL = new Value(Kind.NULL, null);

	public static final Value UNCHANGED = new Value(Kind.UNCHANGED, null);

	public static Value text(String text) {
		return new Value(Kind.TEXT, text);
	}

	public boolean isNull() {
		return this.kind == Kind.NULL;
	}

	public boolean isUnchanged() {
		return this.kind == Kind.UNCHANGED;
	}

	public enum Kind {

		NULL, UNCHANGED, TEXT

	}

}
