package io.pgcopydb.filter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule of {@link FilterPlanner}'s contract on small graphs shaped like what
 * pg_depend holds: a view's rule, a foreign key's dependencies on its table, the
 * referenced table and its key's index, a row type, an owned sequence, partitions.
 */
class FilterPlannerTest {

	private final List<GraphObject> objects = new ArrayList<>();

	private final List<Dependency> dependencies = new ArrayList<>();

	private long nextOid = 16384;

	private GraphObject add(String kind, String schema, String name, GraphObject table, GraphObject partOf,
			GraphObject references, boolean member, String description) {
		long classOid = switch (kind) {
			case GraphObject.SCHEMA -> ObjectId.PG_NAMESPACE;
			case GraphObject.EXTENSION -> ObjectId.PG_EXTENSION;
			case GraphObject.FOREIGN_KEY, GraphObject.CONSTRAINT -> ObjectId.PG_CONSTRAINT;
			case GraphObject.FUNCTION -> 1255;
			case GraphObject.TYPE -> 1247;
			case GraphObject.TRIGGER -> 2620;
			case GraphObject.RULE -> 2618;
			case GraphObject.DEFAULT -> 2604;
			case GraphObject.COLLATION -> 3456;
			default -> ObjectId.PG_CLASS;
		};
		GraphObject object = new GraphObject(new ObjectId(classOid, this.nextOid++), kind, schema, name,
				(table != null) ? table.id() : null, (partOf != null) ? partOf.id() : null,
				(references != null) ? references.id() : null,
				(references != null) ? "FOREIGN KEY (x) REFERENCES t" : null, member, description);
		this.objects.add(object);
		return object;
	}

	private GraphObject schema(String name) {
		return add(GraphObject.SCHEMA, null, name, null, null, null, false, null);
	}

	private GraphObject relation(String kind, String schema, String name) {
		GraphObject relation = add(kind, schema, name, null, null, null, false, null);
		GraphObject rowType = add(GraphObject.TYPE, schema, name, null, relation, null, false, "type " + name);
		depend(rowType, relation, 'i');
		return relation;
	}

	private GraphObject table(String schema, String name) {
		return relation(GraphObject.TABLE, schema, name);
	}

	private GraphObject rowType(GraphObject relation) {
		return this.objects.stream()
			.filter((o) -> GraphObject.TYPE.equals(o.kind()) && relation.id().equals(o.partOf()))
			.findFirst()
			.orElseThrow();
	}

	private GraphObject view(String schema, String name, GraphObject... reads) {
		GraphObject view = relation(GraphObject.VIEW, schema, name);
		GraphObject rule = add(GraphObject.RULE, schema, "_RETURN", view, view, null, false,
				"rule _RETURN on view " + schema + "." + name);
		depend(rule, view, 'i');
		for (GraphObject read : reads) {
			depend(rule, read, 'n');
		}
		return view;
	}

	private GraphObject onTable(String kind, GraphObject table, String name, String description) {
		GraphObject object = add(kind, table.schema(), name, table, null, null, false, description);
		depend(object, table, 'a');
		return object;
	}

	private GraphObject foreignKey(GraphObject table, String name, GraphObject references, GraphObject keyIndex) {
		GraphObject key = add(GraphObject.FOREIGN_KEY, table.schema(), name, table, null, references, false,
				"constraint " + name + " on table " + table.schema() + "." + table.name());
		depend(key, table, 'a');
		depend(key, references, 'n');
		if (keyIndex != null) {
			depend(key, keyIndex, 'n');
		}
		return key;
	}

	private GraphObject primaryKey(GraphObject table, String name) {
		GraphObject constraint = onTable(GraphObject.CONSTRAINT, table, name,
				"constraint " + name + " on table " + table.schema() + "." + table.name());
		GraphObject index = add(GraphObject.INDEX, table.schema(), name, table, null, null, false, null);
		depend(index, constraint, 'i');
		return index;
	}

	private GraphObject ownedSequence(GraphObject table, String name) {
		GraphObject sequence = add(GraphObject.SEQUENCE, table.schema(), name, null, null, null, false, null);
		depend(sequence, table, 'a');
		return sequence;
	}

	private GraphObject defaultUsing(GraphObject table, GraphObject sequence) {
		GraphObject value = add(GraphObject.DEFAULT, table.schema(), "id", table, table, null, false,
				"default value for column id of table " + table.schema() + "." + table.name());
		depend(value, table, 'a');
		depend(value, sequence, 'n');
		return value;
	}

	private void depend(GraphObject dependent, GraphObject referenced, char type) {
		this.dependencies.add(new Dependency(dependent.id(), referenced.id(), type));
	}

	private FilterPlan plan(String filter) {
		return plan(filter, false);
	}

	private FilterPlan plan(String filter, boolean notValidOnPartitioned) {
		return FilterPlanner.plan(Filters.parse(filter, Path.of("filters.ini")), this.objects, this.dependencies,
				notValidOnPartitioned);
	}

	/** Each left-out object's name with its reason, as list --list-skipped shows them. */
	private static Map<String, String> reasons(FilterPlan plan) {
		Map<String, String> reasons = new LinkedHashMap<>();
		plan.skipped().values().forEach((skip) -> reasons.put(ObjectGraph.describe(skip.object()), skip.reason()));
		return reasons;
	}

	@Test
	void noFilterLeavesNothingOut() {
		table("app", "customer");
		assertThat(plan("")).isSameAs(FilterPlan.NONE);
	}

	@Test
	void whatDependsOnAnExcludedTableFollowsItWithItsReason() {
		schema("app");
		GraphObject customer = table("app", "customer");
		GraphObject orders = table("app", "orders");
		GraphObject pkey = primaryKey(customer, "customer_pkey");
		GraphObject fk = foreignKey(orders, "orders_customer_fkey", customer, pkey);
		view("app", "customer_names", customer);
		view("app", "orders_only", orders);
		onTable(GraphObject.TRIGGER, customer, "audit", "trigger audit on table app.customer");
		GraphObject wrapper = table("app", "wrapper");
		depend(wrapper, rowType(customer), 'n');
		GraphObject reader = add(GraphObject.FUNCTION, "app", "count_customers", null, null, null, false,
				"function app.count_customers()");
		depend(reader, customer, 'n');
		GraphObject member = add(GraphObject.FUNCTION, "app", "ext_fn", null, null, null, true,
				"function app.ext_fn()");
		depend(member, customer, 'n');

		FilterPlan plan = plan("[exclude-table]\napp.customer\n");

		assertThat(reasons(plan)).containsOnly(Map.entry("table app.customer", "[exclude-table] app.customer (line 2)"),
				Map.entry("type customer", "part of table app.customer"),
				Map.entry("constraint customer_pkey on table app.customer", "on table app.customer"),
				Map.entry("index app.customer_pkey", "part of constraint customer_pkey on table app.customer"),
				Map.entry("constraint orders_customer_fkey on table app.orders", "foreign key into table app.customer"),
				Map.entry("view app.customer_names", "reads table app.customer"),
				Map.entry("type customer_names", "part of view app.customer_names"),
				Map.entry("rule _RETURN on view app.customer_names", "reads table app.customer"),
				Map.entry("trigger audit on table app.customer", "on table app.customer"),
				Map.entry("table app.wrapper", "column typed by table app.customer"),
				Map.entry("type wrapper", "part of table app.wrapper"),
				Map.entry("function app.count_customers()", "reads table app.customer"));
		assertThat(plan.skipped().get(fk.id()).cause()).isEqualTo(customer.id());
		assertThat(plan.skipped().get(wrapper.id()).cause()).isEqualTo(customer.id());
		assertThat(plan.skips(orders.id())).isFalse();
		assertThat(plan.skips(member.id())).isFalse();
		assertThat(plan.warnings()).isEmpty();
	}

	@Test
	void aWholeFollowsItsLeftOutPart() {
		GraphObject archive = schema("archive");
		GraphObject checker = add(GraphObject.FUNCTION, "archive", "valid", null, null, null, false,
				"function archive.valid(integer)");
		GraphObject kept = table("app", "orders");
		GraphObject check = add(GraphObject.CONSTRAINT, "app", "orders_check", kept, kept, null, false,
				"constraint orders_check on table app.orders");
		depend(check, checker, 'n');
		depend(check, kept, 'a');

		FilterPlan plan = plan("[exclude-schema]\narchive\n");

		assertThat(reasons(plan)).containsEntry("schema archive", "[exclude-schema] archive (line 2)")
			.containsEntry("function archive.valid(integer)", "in schema archive")
			.containsEntry("constraint orders_check on table app.orders", "calls function archive.valid(integer)")
			.containsEntry("table app.orders", "calls function archive.valid(integer)");
		assertThat(plan.skipped().get(kept.id()).cause()).isEqualTo(checker.id());
		assertThat(plan.skipped().get(archive.id()).verdict().section()).isEqualTo(Section.EXCLUDE_SCHEMA);
	}

	@Test
	void excludingTheIndexOfAPrimaryKeyLeavesOutTheKeyAndTheForeignKeysUsingIt() {
		GraphObject customer = table("app", "customer");
		GraphObject orders = table("app", "orders");
		GraphObject pkey = primaryKey(customer, "customer_pkey");
		foreignKey(orders, "orders_customer_fkey", customer, pkey);

		FilterPlan plan = plan("[exclude-index]\napp.customer_pkey\n");

		assertThat(reasons(plan)).containsOnly(
				Map.entry("index app.customer_pkey", "[exclude-index] app.customer_pkey (line 2)"),
				Map.entry("constraint customer_pkey on table app.customer", "its index app.customer_pkey is left out"),
				Map.entry("constraint orders_customer_fkey on table app.orders",
						"foreign key using index app.customer_pkey"));
		assertThat(plan.skips(customer.id())).isFalse();
	}

	@Test
	void cyclesAndDiamondsEndWithOneReasonEach() {
		GraphObject base = table("app", "base");
		GraphObject left = view("app", "left_v", base);
		GraphObject right = view("app", "right_v", base);
		GraphObject top = view("app", "top_v", left, right);
		GraphObject a = add(GraphObject.FUNCTION, "app", "a", null, null, null, false, "function app.a()");
		GraphObject b = add(GraphObject.FUNCTION, "app", "b", null, null, null, false, "function app.b()");
		depend(a, b, 'n');
		depend(b, a, 'n');
		depend(a, top, 'n');

		FilterPlan plan = plan("[exclude-table]\napp.base\n");

		assertThat(reasons(plan)).containsEntry("view app.top_v", "reads view app.left_v")
			.containsEntry("function app.a()", "reads view app.top_v")
			.containsEntry("function app.b()", "calls function app.a()");
		assertThat(plan.skipped().keySet()).contains(left.id(), right.id(), top.id(), a.id(), b.id());
	}

	@Test
	void partitionsAndInheritanceChildrenFollowTheirParent() {
		GraphObject events = relation(GraphObject.PARTITIONED_TABLE, "app", "events");
		GraphObject p2024 = table("app", "events_2024");
		depend(p2024, events, Dependency.PARTITION_OF);
		GraphObject base = table("app", "base");
		GraphObject child = table("app", "child");
		depend(child, base, Dependency.INHERITS);

		FilterPlan plan = plan("[exclude-table]\napp.events\napp.base\n");

		assertThat(reasons(plan)).containsEntry("table app.events_2024", "[exclude-table] app.events (line 2)")
			.containsEntry("table app.child", "inherits from table app.base");

		FilterPlan only = plan("[include-only-table]\napp.events\napp.child\n");
		assertThat(only.skips(p2024.id())).isFalse();
		assertThat(reasons(only)).containsEntry("table app.base", "not listed in [include-only-table]")
			.containsEntry("table app.child", "inherits from table app.base");
	}

	@Test
	void includeOnlyLeavesOutUnlistedTablesAndTheViewsOverThem() {
		GraphObject listed = table("app", "customer");
		GraphObject other = table("app", "other");
		GraphObject keptView = view("app", "v_customer", listed);
		GraphObject lostView = view("app", "v_other", other);

		FilterPlan plan = plan("[include-only-table]\napp.customer\n");

		assertThat(plan.skips(listed.id())).isFalse();
		assertThat(plan.skips(keptView.id())).isFalse();
		assertThat(plan.skipped().get(other.id()).reason()).isEqualTo("not listed in [include-only-table]");
		assertThat(plan.skipped().get(lostView.id()).reason()).isEqualTo("reads table app.other");
	}

	@Test
	void anOwnedSequenceStaysWithoutOwnerWhenAKeptTableUsesItAndGoesOtherwise() {
		GraphObject customer = table("app", "customer");
		GraphObject shared = ownedSequence(customer, "customer_id_seq");
		defaultUsing(customer, shared);
		GraphObject orders = table("app", "orders");
		defaultUsing(orders, shared);
		GraphObject lonely = ownedSequence(customer, "customer_no_seq");
		defaultUsing(customer, lonely);

		FilterPlan plan = plan("[exclude-table]\napp.customer\n");

		assertThat(plan.skips(shared.id())).isFalse();
		assertThat(plan.skips(orders.id())).isFalse();
		assertThat(plan.unownedSequences()).containsOnlyKeys(shared.id());
		assertThat(plan.warnings()).containsExactly("sequence app.customer_id_seq is owned by table app.customer,"
				+ " which is left out, but default value for column id of table app.orders uses it: kept without"
				+ " OWNED BY");
		assertThat(plan.skipped().get(lonely.id()).reason()).isEqualTo("owned by table app.customer");
	}

	@Test
	void anOwnedSequenceUsedOnlyByObjectsLeftOutGoesWithItsTable() {
		GraphObject customer = table("app", "customer");
		GraphObject sequence = ownedSequence(customer, "customer_id_seq");
		GraphObject view = view("app", "next_ids", customer);
		GraphObject rule = this.objects.stream()
			.filter((o) -> GraphObject.RULE.equals(o.kind()) && view.id().equals(o.partOf()))
			.findFirst()
			.orElseThrow();
		depend(rule, sequence, 'n');

		FilterPlan plan = plan("[exclude-table]\napp.customer\n");

		assertThat(plan.skipped().get(view.id()).reason()).isEqualTo("reads table app.customer");
		assertThat(plan.skipped().get(sequence.id()).reason()).isEqualTo("owned by table app.customer");
		assertThat(plan.unownedSequences()).isEmpty();
		assertThat(plan.warnings()).isEmpty();
	}

	@Test
	void extensionsLeftOutKeepTheirMembersAndUsers() {
		GraphObject hstore = add(GraphObject.EXTENSION, null, "hstore", null, null, null, false, null);
		GraphObject type = add(GraphObject.TYPE, "public", "hstore", null, null, null, true, "type hstore");
		depend(type, hstore, 'e');
		GraphObject user = table("public", "kv");
		depend(user, type, 'n');

		FilterPlan plan = plan("[exclude-extension]\nhstore\n");
		assertThat(reasons(plan)).containsOnly(Map.entry("extension hstore", "[exclude-extension] hstore (line 2)"));
		assertThat(FilterPlanner.plan(Filters.NONE.skippingExtensions(), this.objects, this.dependencies, false)
			.skipped()
			.get(hstore.id())
			.reason()).isEqualTo("--skip-extensions");
		assertThat(plan.skips(user.id())).isFalse();
	}

	@Test
	void excludedTableDataMakesIncomingForeignKeysNotValid() {
		GraphObject customer = table("app", "customer");
		GraphObject orders = table("app", "orders");
		GraphObject pkey = primaryKey(customer, "customer_pkey");
		GraphObject fk = foreignKey(orders, "orders_customer_fkey", customer, pkey);
		GraphObject log = relation(GraphObject.PARTITIONED_TABLE, "app", "log");
		GraphObject log2024 = table("app", "log_2024");
		depend(log2024, log, Dependency.PARTITION_OF);
		GraphObject logFk = foreignKey(log, "log_customer_fkey", customer, pkey);
		GraphObject logPartFk = foreignKey(log2024, "log_customer_fkey", customer, pkey);
		depend(logPartFk, logFk, 'P');
		GraphObject self = foreignKey(customer, "customer_referrer_fkey", customer, pkey);

		FilterPlan plan = plan("[exclude-table-data]\napp.customer\n");

		assertThat(plan.dataSkipped()).containsOnlyKeys(customer.id());
		assertThat(plan.notValidForeignKeys()).containsOnlyKeys(fk.id());
		assertThat(plan.skips(self.id())).isFalse();
		assertThat(plan.skipped()).containsOnlyKeys(logFk.id(), logPartFk.id());
		assertThat(plan.skipped().get(logFk.id()).reason()).isEqualTo("foreign key into table app.customer, whose"
				+ " rows stay behind ([exclude-table-data] app.customer (line 2)), on a partitioned table");
		assertThat(plan.warnings()).containsExactly("constraint log_customer_fkey on table app.log is left out: table"
				+ " app.customer keeps its rows behind ([exclude-table-data] app.customer (line 2)) and the target"
				+ " (PostgreSQL 17 or older) cannot create a foreign key NOT VALID on partitioned table app.log: add"
				+ " it on the target once the rows are there");

		FilterPlan pg18 = plan("[exclude-table-data]\napp.customer\n", true);
		assertThat(pg18.notValidForeignKeys()).containsOnlyKeys(fk.id(), logFk.id());
		assertThat(pg18.skipped()).isEmpty();

		FilterPlan partitions = plan("[exclude-table-data]\napp.log\n");
		assertThat(partitions.dataSkipped()).containsOnlyKeys(log.id(), log2024.id());
	}

	@Test
	void aCollationFollowsItsSchemaAndTakesTheTablesUsingIt() {
		schema("archive");
		GraphObject collation = add(GraphObject.COLLATION, "archive", "ci", null, null, null, false,
				"collation archive.ci");
		GraphObject users = table("app", "users");
		depend(users, collation, 'n');

		FilterPlan plan = plan("[exclude-schema]\narchive\n");

		assertThat(reasons(plan)).containsEntry("collation archive.ci", "in schema archive")
			.containsEntry("table app.users", "uses collation archive.ci");
	}

	@Test
	void anExtensionIsNotLeftOutThroughItsSchema() {
		GraphObject publicSchema = schema("public");
		schema("app");
		GraphObject citext = add(GraphObject.EXTENSION, null, "citext", null, null, null, false, null);
		depend(citext, publicSchema, 'n');
		GraphObject type = add(GraphObject.TYPE, "public", "citext", null, null, null, true, "type citext");
		depend(type, citext, 'e');
		GraphObject users = table("app", "users");
		depend(users, type, 'n');

		FilterPlan plan = plan("[include-only-schema]\napp\n");

		assertThat(plan.skips(publicSchema.id())).isTrue();
		assertThat(plan.skips(citext.id())).isFalse();
		assertThat(plan.skips(users.id())).isFalse();
	}

	@Test
	void excludingAPartitionIndexLeavesOutItsParentIndexButExcludingAPartitionDoesNot() {
		GraphObject p = relation(GraphObject.PARTITIONED_TABLE, "app", "p");
		GraphObject p1 = table("app", "p1");
		GraphObject p2 = table("app", "p2");
		depend(p1, p, Dependency.PARTITION_OF);
		depend(p2, p, Dependency.PARTITION_OF);
		GraphObject pkey = primaryKey(p, "p_pkey");
		GraphObject p1Key = primaryKey(p1, "p1_pkey");
		GraphObject p2Key = primaryKey(p2, "p2_pkey");
		depend(p1Key, pkey, 'P');
		depend(p2Key, pkey, 'P');

		FilterPlan plan = plan("[exclude-index]\napp.p1_pkey\n");

		assertThat(reasons(plan))
			.containsEntry("index app.p_pkey",
					"its partition index app.p1_pkey is left out ([exclude-index] app.p1_pkey (line 2))")
			.containsEntry("constraint p_pkey on table app.p",
					"its partition index app.p1_pkey is left out ([exclude-index] app.p1_pkey (line 2))")
			.containsEntry("index app.p2_pkey", "partition of index app.p_pkey");
		assertThat(plan.skips(p.id())).isFalse();

		FilterPlan table = plan("[exclude-table]\napp.p1\n");
		assertThat(table.skips(p1Key.id())).isTrue();
		assertThat(table.skips(pkey.id())).isFalse();
		assertThat(table.skips(p2Key.id())).isFalse();
	}

	@Test
	void aPartitionListedWithoutItsParentIsLeftOutWithAWarning() {
		GraphObject p = relation(GraphObject.PARTITIONED_TABLE, "app", "p");
		GraphObject p1 = table("app", "p1");
		depend(p1, p, 'a');
		depend(p1, p, Dependency.PARTITION_OF);
		GraphObject kept = table("app", "kept");

		FilterPlan plan = plan("[include-only-table]\napp.p1\napp.kept\n");

		assertThat(plan.skipped().get(p1.id()).reason()).isEqualTo("partition of partitioned table app.p");
		assertThat(plan.skips(kept.id())).isFalse();
		assertThat(plan.warnings()).containsExactly("filters.ini line 2: [include-only-table] app.p1 is left out:"
				+ " partition of partitioned table app.p, which is not listed: list the parent");
	}

	@Test
	void aForeignKeyCloneOnAReferencedPartitionIsNotAForeignKeyOfItsOwn() {
		GraphObject customer = relation(GraphObject.PARTITIONED_TABLE, "app", "customer");
		GraphObject c1 = table("app", "customer_1");
		GraphObject c2 = table("app", "customer_2");
		depend(c1, customer, Dependency.PARTITION_OF);
		depend(c2, customer, Dependency.PARTITION_OF);
		GraphObject orders = table("app", "orders");
		GraphObject fk = foreignKey(orders, "orders_customer_fkey", customer, null);
		for (GraphObject partition : List.of(c1, c2)) {
			GraphObject clone = foreignKey(orders, "orders_customer_fkey", partition, null);
			depend(clone, fk, 'i');
			depend(clone, fk, 'P');
		}

		FilterPlan plan = plan("[exclude-table-data]\napp.customer\n");

		assertThat(plan.notValidForeignKeys()).containsOnlyKeys(fk.id());
	}

	@Test
	void entriesMatchingNothingAreWarnings() {
		schema("app");
		table("app", "customer");

		FilterPlan plan = plan("[exclude-table]\napp.customer\npublic.foo\n~/^nope\\./\n[exclude-schema]\nghost\n");

		assertThat(plan.unmatched()).extracting(FilterEntry::text)
			.containsExactly("public.foo", "~/^nope\\./", "ghost");
		assertThat(plan.warnings()).containsExactly(
				"filters.ini line 3: [exclude-table] public.foo matches no object of the source",
				"filters.ini line 4: [exclude-table] ~/^nope\\./ matches no object of the source",
				"filters.ini line 6: [exclude-schema] ghost matches no object of the source");
	}

	@Test
	void quotedNamesAreMatchedAndShownQuoted() {
		schema("Mixed Case");
		GraphObject odd = table("Mixed Case", "a.b c");
		GraphObject reader = view("public", "v", odd);

		FilterPlan plan = plan("[exclude-table]\n\"Mixed Case\".\"a.b c\"\n");

		assertThat(plan.skipped().get(reader.id()).reason()).isEqualTo("reads table \"Mixed Case\".\"a.b c\"");
	}

	@Test
	void theOutcomeDoesNotDependOnTheOrderOfTheCatalogRows() {
		whatDependsOnAnExcludedTableFollowsItWithItsReason();
		FilterPlan first = plan("[exclude-table]\napp.customer\n");
		List<GraphObject> shuffledObjects = new ArrayList<>(this.objects);
		List<Dependency> shuffledDependencies = new ArrayList<>(this.dependencies);
		Collections.shuffle(shuffledObjects, new Random(7));
		Collections.shuffle(shuffledDependencies, new Random(11));
		FilterPlan second = FilterPlanner.plan(Filters.parse("[exclude-table]\napp.customer\n", Path.of("filters.ini")),
				shuffledObjects, shuffledDependencies, false);
		assertThat(second).isEqualTo(first);
		assertThat(List.copyOf(second.skipped().keySet())).isEqualTo(List.copyOf(first.skipped().keySet()));
	}

}
