package io.pgcopydb.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.compare.SchemaCompare;

/**
 * How {@code compare schema} prints its report: one line per difference (a long or
 * multi-line value cut to its first differing line), or JSON with every value whole.
 */
final class SchemaReport {

	/** Longest value printed in the text report; JSON has them whole. */
	private static final int WIDTH = 60;

	private SchemaReport() {
	}

	static void print(SchemaCompare.Report report) {
		if (!report.equal()) {
			TextTable table = new TextTable("Kind", "Object", "Difference", "Source", "Target");
			for (SchemaCompare.Difference difference : report.differences()) {
				if (difference.difference() != SchemaCompare.Kind.DIFFERS) {
					table.row(difference.kind(), difference.object(), difference.difference().label(), "", "");
					continue;
				}
				String[] shown = "privileges".equals(difference.property())
						? privileges(difference.source(), difference.target())
						: shown(difference.source(), difference.target());
				table.row(difference.kind(), difference.object(), difference.property(), shown[0], shown[1]);
			}
			table.print();
			System.out.println();
		}
		long objects = report.differences().stream().map((d) -> d.kind() + " " + d.object()).distinct().count();
		System.out.println(report.equal() ? "The schemas are equal (" + report.objects() + " objects compared)."
				: report.differences().size() + " difference(s) in " + objects + " object(s) (" + report.objects()
						+ " compared); --json prints whole values.");
	}

	/**
	 * The two values as one line each: a multi-line value by its first line that differs
	 * ({@code line 3: ...}), cut to {@link #WIDTH} characters.
	 */
	static String[] shown(String source, String target) {
		if (source != null && target != null && (source.indexOf('\n') >= 0 || target.indexOf('\n') >= 0)) {
			String[] sourceLines = source.split("\n", -1);
			String[] targetLines = target.split("\n", -1);
			int line = 0;
			while (line < sourceLines.length && line < targetLines.length
					&& sourceLines[line].equals(targetLines[line])) {
				line++;
			}
			String prefix = "line " + (line + 1) + ": ";
			return new String[] { prefix + cut(line < sourceLines.length ? sourceLines[line].strip() : "(end)"),
					prefix + cut(line < targetLines.length ? targetLines[line].strip() : "(end)") };
		}
		if (source != null && target != null && (source.length() > WIDTH || target.length() > WIDTH)) {
			// one long line each: from a little before where they part
			int common = 0;
			while (common < source.length() && common < target.length()
					&& source.charAt(common) == target.charAt(common)) {
				common++;
			}
			int from = Math.max(0, common - 12);
			if (from > 0) {
				return new String[] { cut("..." + source.substring(from)), cut("..." + target.substring(from)) };
			}
		}
		return new String[] { (source != null) ? cut(source) : "(not set)",
				(target != null) ? cut(target) : "(not set)" };
	}

	/** Privileges as the entries ({@code grantee=privileges}) each side has alone. */
	static String[] privileges(String source, String target) {
		List<String> sourceEntries = List.of(source.split("; "));
		List<String> targetEntries = List.of(target.split("; "));
		return new String[] { only(sourceEntries, targetEntries), only(targetEntries, sourceEntries) };
	}

	private static String only(List<String> entries, List<String> other) {
		List<String> alone = entries.stream().filter((entry) -> !other.contains(entry)).toList();
		return alone.isEmpty() ? "(no other entry)" : cut(String.join("; ", alone));
	}

	private static String cut(String value) {
		String line = value.replace('\n', ' ');
		return (line.length() <= WIDTH) ? line : line.substring(0, WIDTH - 3) + "...";
	}

	static Map<String, Object> json(SchemaCompare.Report report) {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("equal", report.equal());
		root.put("objects", report.objects());
		List<Map<String, Object>> differences = new ArrayList<>();
		for (SchemaCompare.Difference difference : report.differences()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("kind", difference.kind());
			entry.put("object", difference.object());
			entry.put("difference", difference.difference().label());
			if (difference.difference() == SchemaCompare.Kind.DIFFERS) {
				entry.put("property", difference.property());
				entry.put("source", difference.source());
				entry.put("target", difference.target());
			}
			differences.add(entry);
		}
		root.put("differences", differences);
		return root;
	}

}
