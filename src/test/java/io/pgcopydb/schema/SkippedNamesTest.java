package io.pgcopydb.schema;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pgcopydb.catalog.SchemaObjects.CatalogObject;
import io.pgcopydb.catalog.TargetCatalog.QualifiedName;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;

import static org.assertj.core.api.Assertions.assertThat;

/** The clone's up-front clash check ignores what the filters leave out, by name. */
class SkippedNamesTest {

	private static final ObjectId LOG = new ObjectId(1259, 10);

	private static final ObjectId ARCHIVE = new ObjectId(2615, 20);

	private static final ObjectId READER = new ObjectId(1255, 30);

	private final SkippedNames skipped = new SkippedNames(new FilterPlan(Map.of(LOG,
			skip(new GraphObject(
					LOG, GraphObject.TABLE, "app", "audit_log", null, null, null, null, false, "table app.audit_log")),
			ARCHIVE,
			skip(new GraphObject(ARCHIVE, GraphObject.SCHEMA, null, "archive", null, null, null, null, false,
					"schema archive")),
			READER, skip(new GraphObject(READER, "function", "app", "reader", null, null, null, null, false,
					"function app.reader()"))),
			Map.of(), Map.of(), Map.of(), List.of(), List.of()));

	@Test
	void leftOutRelationsTheirPartsSchemasAndFunctionsAreNoClash() {
		assertThat(this.skipped.keeps(new CatalogObject("TABLE", "app", "audit_log", "id integer"))).isFalse();
		assertThat(this.skipped.keeps(new CatalogObject("TRIGGER", "app", "audit_log audit", null))).isFalse();
		assertThat(this.skipped.keeps(new CatalogObject("CONSTRAINT", "app", "audit_log_pkey x", null))).isTrue();
		assertThat(this.skipped.keeps(new CatalogObject("SCHEMA", null, "archive", "postgres"))).isFalse();
		assertThat(this.skipped.keeps(new CatalogObject("VIEW", "archive", "old", null))).isFalse();
		assertThat(this.skipped.keeps(new CatalogObject("FUNCTION", "app", "reader()", null))).isFalse();
		assertThat(this.skipped.keeps(new CatalogObject("FUNCTION", "app", "writer()", null))).isTrue();
		assertThat(this.skipped.keeps(new CatalogObject("TABLE", "app", "customer", "id integer"))).isTrue();
		assertThat(this.skipped.keepsTable(new QualifiedName("app", "audit_log"))).isFalse();
		assertThat(this.skipped.keepsTable(new QualifiedName("archive", "t"))).isFalse();
		assertThat(this.skipped.keepsTable(new QualifiedName("app", "customer"))).isTrue();
	}

	private static FilterPlan.Skip skip(GraphObject object) {
		return new FilterPlan.Skip(object, null, null, "left out");
	}

}
