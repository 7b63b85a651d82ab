package io.pgcopydb.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pgcopydb.filter.FilterEntry;
import io.pgcopydb.filter.FilterPlan;
import io.pgcopydb.filter.GraphObject;
import io.pgcopydb.filter.ObjectId;
import io.pgcopydb.filter.Section;
import io.pgcopydb.filter.Verdict;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which archive entries a filter plan leaves out, on the listings of two real pg_dump 15
 * archives (pre-data and post-data of toc/filtered.sql, dumped in one snapshot) and plans
 * built by hand as the planner would make them.
 */
class ArchiveFilterTest {

	private static final ObjectId A = new ObjectId(1259, 16384);

	private static final ObjectId A_PKEY = new ObjectId(2606, 16390);

	private static final ObjectId B_ID_SEQ = new ObjectId(1259, 16391);

	private static final ObjectId B = new ObjectId(1259, 16392);

	private static final ObjectId B_ID_DEFAULT = new ObjectId(2604, 16395);

	private static final ObjectId B_PKEY = new ObjectId(2606, 16399);

	private static final ObjectId B_A_ID_FKEY = new ObjectId(2606, 16400);

	private static final ObjectId VA = new ObjectId(1259, 16405);

	private static final ObjectId MVA = new ObjectId(1259, 16409);

	private static final ObjectId A_V = new ObjectId(1259, 16413);

	private static final ObjectId F = new ObjectId(1255, 16414);

	private static final FilterEntry EXCLUDE_A = new FilterEntry(Section.EXCLUDE_TABLE, 1, "public.a", "public", "a",
			null);

	private final ArchiveToc pre;

	private final ArchiveToc post;

	ArchiveFilterTest() throws IOException {
		this.pre = ArchiveToc.parse(resource("toc/filtered-pre.list"));
		this.post = ArchiveToc.parse(resource("toc/filtered-post.list")
				+ "3390; 0 0 COMMENT public CONSTRAINT b_a_id_fkey ON b postgres\n;\tdepends on: 3221\n");
	}

	@Test
	void anExcludedTableTakesItsViewsFunctionIndexesForeignKeyCommentsAndAclWithIt() {
		Map<ObjectId, FilterPlan.Skip> skipped = new HashMap<>();
		skipped.put(A, named(A, "table", "a"));
		skipped.put(VA, because(VA, "view", "va", A, "reads table public.a"));
		skipped.put(MVA, because(MVA, "materialized view", "mva", A, "reads table public.a"));
		skipped.put(F, because(F, "function", "f()", A, "reads table public.a"));
		skipped.put(A_PKEY, because(A_PKEY, "constraint", "a_pkey", A, "on table public.a"));
		skipped.put(A_V, because(A_V, "index", "a_v", A, "on table public.a"));
		skipped.put(B_A_ID_FKEY,
				because(B_A_ID_FKEY, "foreign key", "b_a_id_fkey", A_PKEY, "foreign key into table public.a"));
		ArchiveFilter filter = ArchiveFilter.of(plan(skipped, Map.of(), Map.of()), List.of(this.pre, this.post));

		assertThat(leftOut(filter, this.pre)).containsExactly(214, 3378, 3379, 231, 218, 217, 3381);
		assertThat(leftOut(filter, this.post)).as("MATERIALIZED VIEW DATA names its relation by OID alone")
			.containsExactly(3217, 3218, 3383, 3221, 3369, 3390);
		assertThat(filter.reason(entry(this.pre, 214))).contains("[exclude-table] public.a (line 1)");
		assertThat(filter.reason(entry(this.pre, 217))).contains("reads table public.a");
		assertThat(filter.reason(entry(this.pre, 3379))).hasValueSatisfying(
				(reason) -> assertThat(reason).startsWith("goes with table public.a").contains("[exclude-table]"));
		assertThat(filter.reason(entry(this.post, 3383)))
			.hasValueSatisfying((reason) -> assertThat(reason).startsWith("goes with index public.a_v"));
		assertThat(filter.keeps(entry(this.pre, 216))).isTrue();
		assertThat(filter.keeps(entry(this.pre, 215))).isTrue();
		assertThat(filter.keeps(entry(this.pre, 3380))).isTrue();
		assertThat(filter.keeps(entry(this.pre, 3377))).as("the database's comment").isTrue();
		assertThat(filter.leftOut(this.pre)).isEqualTo(7);
		assertThat(filter.notValidForeignKeys()).isEmpty();
		assertThat(this.pre.annotated(filter::reason)).contains(
				";214; 1259 16384 TABLE public a postgres ; left out: [exclude-table] public.a (line 1)",
				"\n216; 1259 16392 TABLE public b postgres\n");
	}

	@Test
	void aSequenceKeptWithoutItsOwnerStaysButNotItsOwnedBy() {
		Map<ObjectId, FilterPlan.Skip> skipped = new HashMap<>();
		skipped.put(B, named(B, "table", "b"));
		skipped.put(B_ID_DEFAULT, because(B_ID_DEFAULT, "default", "b id", B, "part of table public.b"));
		skipped.put(B_PKEY, because(B_PKEY, "constraint", "b_pkey", B, "on table public.b"));
		skipped.put(B_A_ID_FKEY, because(B_A_ID_FKEY, "foreign key", "b_a_id_fkey", B, "on table public.b"));
		GraphObject sequence = object(B_ID_SEQ, "sequence", "b_id_seq");
		ArchiveFilter filter = ArchiveFilter.of(plan(skipped, Map.of(), Map.of(B_ID_SEQ, sequence)),
				List.of(this.pre, this.post));

		assertThat(filter.keeps(entry(this.pre, 215))).as("pg_dump makes it depend on its owner, the plan keeps it")
			.isTrue();
		assertThat(filter.reason(entry(this.pre, 3380)))
			.hasValueSatisfying((reason) -> assertThat(reason).contains("b_id_seq").contains("without its owner"));
		assertThat(filter.keeps(entry(this.pre, 219))).as("table c uses the sequence").isTrue();
		assertThat(leftOut(filter, this.pre)).containsExactly(216, 3380, 3214);
		assertThat(leftOut(filter, this.post)).containsExactly(3220, 3221, 3390);
	}

	@Test
	void aForeignKeyMadeNotValidIsLeftToTheRunAndItsCommentStays() {
		GraphObject key = new GraphObject(B_A_ID_FKEY, GraphObject.FOREIGN_KEY, "public", "b_a_id_fkey", B, null, A,
				"FOREIGN KEY (a_id) REFERENCES public.a(id)", false, "constraint b_a_id_fkey on table b");
		ArchiveFilter filter = ArchiveFilter.of(plan(Map.of(), Map.of(B_A_ID_FKEY, key), Map.of()),
				List.of(this.pre, this.post));

		assertThat(leftOut(filter, this.post)).containsExactly(3221);
		assertThat(filter.keeps(entry(this.post, 3390))).isTrue();
		assertThat(filter.notValidForeignKeys()).singleElement().satisfies((notValid) -> {
			assertThat(notValid.describe()).isEqualTo("public.b b_a_id_fkey");
			assertThat(notValid.sql()).isEqualTo(
					"ALTER TABLE \"public\".\"b\" ADD CONSTRAINT \"b_a_id_fkey\" FOREIGN KEY (a_id) REFERENCES public.a(id) NOT VALID");
		});
	}

	@Test
	void noPlanLeavesEverythingIn() {
		ArchiveFilter filter = ArchiveFilter.of(FilterPlan.NONE, List.of(this.pre, this.post));

		assertThat(filter.isEmpty()).isTrue();
		assertThat(leftOut(filter, this.pre)).isEmpty();
		assertThat(this.pre.annotated(filter::reason)).isEqualTo(this.pre.useList((entry) -> true));
	}

	@Test
	void whatThePlanDoesNotKnowOfALeftOutSchemaIsLeftOutWithIt() {
		ObjectId archive = new ObjectId(2615, 16500);
		ArchiveToc toc = ArchiveToc.parse("""
				10; 2615 16500 SCHEMA - archive postgres
				11; 3456 16501 COLLATION archive ci postgres
				12; 3602 16502 TEXT SEARCH CONFIGURATION archive fr postgres
				13; 826 16503 DEFAULT ACL archive DEFAULT PRIVILEGES FOR TABLES postgres
				14; 0 0 COMMENT archive COLLATION ci postgres
				;\tdepends on: 11
				15; 1259 16384 TABLE public a postgres
				""");
		FilterPlan.Skip schema = new FilterPlan.Skip(
				new GraphObject(archive, GraphObject.SCHEMA, null, "archive", null, null, null, null, false, null),
				new Verdict(Section.EXCLUDE_SCHEMA, null, null), null, "[exclude-schema] archive (line 2)");
		ArchiveFilter filter = ArchiveFilter.of(plan(Map.of(archive, schema), Map.of(), Map.of()), List.of(toc));

		assertThat(leftOut(filter, toc)).containsExactly(10, 11, 12, 13, 14);
		assertThat(filter.reason(entry(toc, 11))).hasValue("in schema archive, left out");
		assertThat(filter.reason(entry(toc, 13))).hasValue("in schema archive, left out");
	}

	@Test
	void quotedNamesAreWrittenQuotedInTheNotValidStatement() {
		ArchiveFilter.NotValidForeignKey key = new ArchiveFilter.NotValidForeignKey("Mixed Case", "a.b c", "Key",
				"FOREIGN KEY (x) REFERENCES \"Mixed Case\".t(id) NOT VALID", 1);

		assertThat(key.sql()).isEqualTo("ALTER TABLE \"Mixed Case\".\"a.b c\" ADD CONSTRAINT \"Key\""
				+ " FOREIGN KEY (x) REFERENCES \"Mixed Case\".t(id) NOT VALID");
	}

	private static FilterPlan plan(Map<ObjectId, FilterPlan.Skip> skipped, Map<ObjectId, GraphObject> notValid,
			Map<ObjectId, GraphObject> unowned) {
		return new FilterPlan(skipped, Map.of(), notValid, unowned, List.of(), List.of());
	}

	private static GraphObject object(ObjectId id, String kind, String name) {
		return new GraphObject(id, kind, "public", name, null, null, null, null, false, kind + " " + name);
	}

	private static FilterPlan.Skip named(ObjectId id, String kind, String name) {
		Verdict verdict = new Verdict(Section.EXCLUDE_TABLE, EXCLUDE_A, null);
		return new FilterPlan.Skip(object(id, kind, name), verdict, null, verdict.describe());
	}

	private static FilterPlan.Skip because(ObjectId id, String kind, String name, ObjectId cause, String reason) {
		return new FilterPlan.Skip(object(id, kind, name), null, cause, reason);
	}

	private static List<Integer> leftOut(ArchiveFilter filter, ArchiveToc toc) {
		return toc.entries().stream().filter((entry) -> !filter.keeps(entry)).map(TocEntry::dumpId).toList();
	}

	private static TocEntry entry(ArchiveToc toc, int dumpId) {
		return toc.entries().stream().filter((entry) -> entry.dumpId() == dumpId).findFirst().orElseThrow();
	}

	private String resource(String name) throws IOException {
		try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
