package io.pgcopydb.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aligned text columns for the list commands, as psql prints them: each column as wide as
 * its widest cell, numbers and sizes right-aligned, so a person can scan a thousand rows.
 */
final class TextTable {

	private final String[] headers;

	private final boolean[] right;

	private final List<String[]> rows = new ArrayList<>();

	/** A header ending with {@code >} is right-aligned (the mark is not printed). */
	TextTable(String... headers) {
		this.headers = new String[headers.length];
		this.right = new boolean[headers.length];
		for (int i = 0; i < headers.length; i++) {
			this.right[i] = headers[i].endsWith(">");
			this.headers[i] = this.right[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
		}
	}

	TextTable row(Object... cells) {
		this.rows.add(Arrays.stream(cells).map((cell) -> (cell != null) ? cell.toString() : "").toArray(String[]::new));
		return this;
	}

	int size() {
		return this.rows.size();
	}

	void print() {
		int[] widths = new int[this.headers.length];
		for (int i = 0; i < widths.length; i++) {
			widths[i] = this.headers[i].length();
			for (String[] row : this.rows) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		print(this.headers, widths);
		String[] rule = new String[widths.length];
		for (int i = 0; i < widths.length; i++) {
			rule[i] = "-".repeat(widths[i]);
		}
		print(rule, widths);
		for (String[] row : this.rows) {
			print(row, widths);
		}
	}

	private void print(String[] cells, int[] widths) {
		StringBuilder line = new StringBuilder();
		for (int i = 0; i < cells.length; i++) {
			if (i > 0) {
				line.append("  ");
			}
			boolean last = i == cells.length - 1;
			String padding = " ".repeat(widths[i] - cells[i].length());
			if (this.right[i]) {
				line.append(padding).append(cells[i]);
			}
			else {
				line.append(cells[i]).append(last ? "" : padding);
			}
		}
		System.out.println(line);
	}

}
