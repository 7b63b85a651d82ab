package io.pgcopydb.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pgcopydb.catalog.SourceInventory;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.pg.ByteSize;

/**
 * {@code list schema}'s per-schema summary: counts and size of what a run keeps of each
 * schema, or, for a schema the filter leaves out, of everything it holds (what stays
 * behind), with the reason.
 */
final class SchemaListing {

	/** The kinds list_schema_contents.sql gives, to their JSON field. */
	private static final Map<String, String> COUNTS = Map.of("table", "tables", "view", "views", "index", "indexes",
			"sequence", "sequences", "function", "functions");

	private static final List<String> FIELDS = List.of("tables", "views", "indexes", "sequences", "functions");

	private SchemaListing() {
	}

	static List<Map<String, Object>> schemas(List<SourceInventory.SchemaContent> contents, FilterPlan plan) {
		Map<Long, Map<String, Object>> bySchema = new LinkedHashMap<>();
		for (SourceInventory.SchemaContent content : contents) {
			ObjectId schemaId = new ObjectId(ObjectId.PG_NAMESPACE, content.schemaOid());
			FilterPlan.Skip schemaSkip = plan.skipped().get(schemaId);
			Map<String, Object> json = bySchema.computeIfAbsent(content.schemaOid(), (oid) -> {
				Map<String, Object> schema = new LinkedHashMap<>();
				schema.put("oid", content.schemaOid());
				schema.put("name", content.schema());
				schema.put("owner", content.owner());
				schema.put("kept", schemaSkip == null);
				schema.put("leftOutBy", (schemaSkip != null) ? SourceListing.reason(schemaSkip) : null);
				for (String field : FIELDS) {
					schema.put(field, 0L);
				}
				schema.put("objectsLeftOut", 0L);
				schema.put("bytes", 0L);
				return schema;
			});
			if (content.objectOid() == 0) {
				continue;
			}
			boolean skipped = plan.skips(new ObjectId(content.classOid(), content.objectOid()));
			if (schemaSkip == null && skipped) {
				json.merge("objectsLeftOut", 1L, (a, b) -> (Long) a + (Long) b);
				continue;
			}
			json.merge(COUNTS.get(content.kind()), 1L, (a, b) -> (Long) a + (Long) b);
			json.merge("bytes", content.bytes(), (a, b) -> (Long) a + (Long) b);
		}
		for (Map<String, Object> json : bySchema.values()) {
			json.put("size", ByteSize.pretty((Long) json.get("bytes")));
		}
		return List.copyOf(bySchema.values());
	}

	static void print(List<Map<String, Object>> schemas) {
		TextTable table = new TextTable("Schema", "Owner", "Tables>", "Views>", "Indexes>", "Sequences>", "Functions>",
				"Size>", "Filter");
		long bytes = 0;
		int kept = 0;
		for (Map<String, Object> schema : schemas) {
			boolean isKept = (Boolean) schema.get("kept");
			long leftOut = (Long) schema.get("objectsLeftOut");
			String filter = isKept ? ((leftOut > 0) ? "kept, " + leftOut + " objects left out" : "kept")
					: "left out: " + schema.get("leftOutBy");
			table.row(schema.get("name"), schema.get("owner"), schema.get("tables"), schema.get("views"),
					schema.get("indexes"), schema.get("sequences"), schema.get("functions"), schema.get("size"),
					filter);
			if (isKept) {
				kept++;
				bytes += (Long) schema.get("bytes");
			}
		}
		table.print();
		System.out.printf("%d schemas, %d kept (%s)%n", schemas.size(), kept, ByteSize.pretty(bytes));
	}

}
