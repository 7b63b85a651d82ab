package io.pgcopydb.cdc.decode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.pgcopydb.cdc.Lsn;

/**
 * Messages captured from a real PostgreSQL 15 (pg_logical_slot_peek_changes, psql -At
 * with \x1f between the LSN and the message and \x1e between records): the SQL that made
 * them is {@code src/test/resources/cdc/fixture.sql}.
 */
final class Fixtures {

	private Fixtures() {
	}

	static List<Captured> read(String name) {
		try (InputStream in = Fixtures.class.getResourceAsStream("/cdc/" + name)) {
			String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			// psql ends its output with a newline that is no part of the last message
			text = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
			List<Captured> messages = new ArrayList<>();
			for (String record : text.split("\u001e")) {
				if (record.isBlank()) {
					continue;
				}
				int separator = record.indexOf('\u001f');
				messages.add(new Captured(Lsn.parse(record.substring(0, separator), "fixture"),
						record.substring(separator + 1)));
			}
			return messages;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static List<ChangeEvent> decodeAll(ChangeDecoder decoder, List<Captured> messages) {
		List<ChangeEvent> events = new ArrayList<>();
		for (Captured message : messages) {
			decoder.decode(message.lsn(), message.payload(), events::add);
		}
		return events;
	}

	static <T extends ChangeEvent> List<T> only(List<ChangeEvent> events, Class<T> type) {
		return events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	static String text(RelationShape shape, List<Value> row, String column) {
		for (int i = 0; i < shape.columns().size(); i++) {
			if (shape.columns().get(i).name().equals(column)) {
				return row.get(i).text();
			}
		}
		throw new IllegalArgumentException("no column " + column);
	}

	static Value value(RelationShape shape, List<Value> row, String column) {
		for (int i = 0; i < shape.columns().size(); i++) {
			if (shape.columns().get(i).name().equals(column)) {
				return row.get(i);
			}
		}
		throw new IllegalArgumentException("no column " + column);
	}

	record Captured(Lsn lsn, String text) {

		ByteBuffer payload() {
			return ByteBuffer.wrap(this.text.getBytes(StandardCharsets.UTF_8));
		}

	}

}
