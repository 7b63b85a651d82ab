package io.pgcopydb.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pgcopydb.catalog.SourceGraph;
import io.pgcopydb.filter.Dependency;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code list ... --list-skipped} shows of a plan: one line per object a user
 * recognises.
 */
class SourceListingTest {

	@Test
	void theClonesOfALeftOutForeignKeyOnlyRepeatItsLineAndAreNotListed() {
		ObjectId orders = new ObjectId(ObjectId.PG_CLASS, 16384);
		ObjectId customer = new ObjectId(ObjectId.PG_CLASS, 16385);
		ObjectId customer1 = new ObjectId(ObjectId.PG_CLASS, 16386);
		GraphObject fk = key(16390, orders, customer);
		GraphObject clone = key(16391, orders, customer1);
		FilterPlan.Skip fkSkip = new FilterPlan.Skip(fk, null, customer, "foreign key into table app.customer");
		FilterPlan.Skip cloneSkip = new FilterPlan.Skip(clone, null, fk.id(),
				"partition of constraint orders_customer_fkey on table app.orders");
		Map<ObjectId, FilterPlan.Skip> skipped = new LinkedHashMap<>();
		skipped.put(fk.id(), fkSkip);
		skipped.put(clone.id(), cloneSkip);
		FilterPlan plan = new FilterPlan(skipped, Map.of(), Map.of(), Map.of(), List.of(), List.of());
		SourceGraph graph = new SourceGraph(List.of(fk, clone),
				List.of(new Dependency(clone.id(), fk.id(), 'i'), new Dependency(clone.id(), fk.id(), 'P')));

		assertThat(SourceListing.skipped(graph, plan)).singleElement()
			.satisfies((row) -> assertThat(row.get("reason")).isEqualTo("foreign key into table app.customer"));
	}

	private static GraphObject key(long oid, ObjectId table, ObjectId references) {
		return new GraphObject(new ObjectId(ObjectId.PG_CONSTRAINT, oid), GraphObject.FOREIGN_KEY, "app",
				"orders_customer_fkey", table, null, references,
				"FOREIGN KEY (customer_id) REFERENCES app.customer(id)", false,
				"constraint orders_customer_fkey on table app.orders");
	}

}
