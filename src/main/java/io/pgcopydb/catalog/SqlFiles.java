package io.pgcopydb.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The catalog queries, one runnable file per query under {@code classpath:sql/}, so a DBA
 * can read and run exactly what the tool runs.
 */
public final class SqlFiles {

	private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

	private SqlFiles() {
	}

	public static String load(String name) {
		return CACHE.computeIfAbsent(name, SqlFiles::read);
	}

	private static String read(String name) {
		String resource = "/sql/" + name + ".sql";
		try (InputStream in = SqlFiles.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("missing catalog query " + resource);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
