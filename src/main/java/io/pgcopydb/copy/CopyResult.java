package io.pgcopydb.copy;

/** What one table copy moved: rows as COPY counted them, bytes of the COPY stream. */
public record CopyResult(long rows, long bytes) {
}
