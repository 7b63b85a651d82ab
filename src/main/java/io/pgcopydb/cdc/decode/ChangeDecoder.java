package io.pgcopydb.cdc.decode;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import io.pgcopydb.cdc.Lsn;

/**
 * Turns the messages of one output plugin into {@link ChangeEvent}s. One instance per
 * replication stream: it keeps state between messages (pgoutput's relation cache, the
 * text plugins' table shapes). Not thread-safe.
 */
public interface ChangeDecoder {

	/**
	 * Decodes one message of the stream.
	 * @param messageLsn the XLogData message's WAL position; for a commit message it is
	 * the commit record's end LSN, which the text plugins do not print
	 * @param payload the message's bytes (position to limit)
	 * @param out receives zero or more events, in order
	 * @throws DecodeException on a message this decoder cannot read, naming the plugin,
	 * the LSN and what was expected
	 */
	void decode(Lsn messageLsn, ByteBuffer payload, Consumer<ChangeEvent> out);

	/** The slot options this decoder needs, e.g. {@code proto_version}, publications. */
	java.util.Map<String, String> slotOptions();

	/**
	 * When the server's error on starting or reading the stream is the plugin refusing
	 * one of {@link #slotOptions()} (an older plugin version), one line naming the option
	 * and the remedy; null for any other error.
	 */
	default String refusedOption(String serverMessage) {
		return null;
	}

}
