package io.pgcopydb.cli;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.testsupport.DatabaseComparison;
import io.pgcopydb.testsupport.PgServer;
import io.pgcopydb.testsupport.PgServers;
import io.pgcopydb.testsupport.PostgresExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large objects: many small ones (which travel whole, many per round trip and per
 * statement) and large ones (streamed), in parallel parts; their owner, privileges and
 * comment kept; and a second copy over changed contents rewrites each object whole.
 */
@ExtendWith(PostgresExtension.class)
class LargeObjectsIT {

	private static final String OBJECTS = """
			CREATE TABLE public.docs (id int PRIMARY KEY, body oid);
			-- 300 small objects, 16 bytes to 4.8 kB
			INSERT INTO public.docs SELECT g, lo_from_bytea(0, decode(repeat(md5(g::text), g), 'hex'))
			  FROM generate_series(1, 300) g;
			-- empty; exactly the largest that travels whole (1 MiB); one byte more; 3 MiB
			INSERT INTO public.docs VALUES (301, lo_from_bytea(0, ''));
			INSERT INTO public.docs VALUES (302, lo_from_bytea(0, decode(repeat(md5('a'), 65536), 'hex')));
			INSERT INTO public.docs VALUES (303, lo_from_bytea(0, decode(repeat(md5('b'), 65536) || 'ff', 'hex')));
			INSERT INTO public.docs VALUES (304, lo_from_bytea(0, decode(repeat(md5('c'), 196608), 'hex')));
			""";

	@Test
	void everyObjectIsCopiedInPartsWithItsMetadataAndRewrittenWholeAgain(PgServers servers, @TempDir Path dir)
			throws Exception {
		String db = "large_objects";
		CloneIT.prepare(servers, db);
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres", "DROP ROLE IF EXISTS lo_keeper; CREATE ROLE lo_keeper");
		}
		servers.source().createDatabase(db);
		// large object OIDs are picked by the server: name the 3 MiB one in the test
		servers.source().execute(db, OBJECTS);
		String big = CloneIT.strings(servers.source(), db, "SELECT body FROM public.docs WHERE id = 304").get(0);
		servers.source()
			.execute(db, "ALTER LARGE OBJECT " + big + " OWNER TO lo_keeper; GRANT SELECT ON LARGE OBJECT " + big
					+ " TO PUBLIC; COMMENT ON LARGE OBJECT " + big + " IS 'the big one'");
		Map<String, String> env = CloneIT.sides(servers, db);

		PgCopyDbRun clone = PgCopyDbRun.run(env, "clone", "--dir=" + dir.resolve("clone"), "--large-objects-jobs", "3");

		assertThat(clone.exitCode()).as(clone.toString()).isZero();
		assertThat(clone.stderr()).contains("Copied 304 large objects", "in 3 parallel parts");
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		String metadata = "SELECT lomowner::regrole || ' ' || array_to_string(lomacl, ',') || ' '"
				+ " || obj_description(oid, 'pg_largeobject') FROM pg_largeobject_metadata WHERE oid = " + big;
		assertThat(CloneIT.strings(servers.target(), db, metadata))
			.isEqualTo(CloneIT.strings(servers.source(), db, metadata))
			.first()
			.asString()
			.startsWith("lo_keeper ")
			.endsWith(" the big one");

		// the target's objects change: longer (the streamed one and a whole one), shorter
		String small = CloneIT.strings(servers.source(), db, "SELECT body FROM public.docs WHERE id = 7").get(0);
		String exact = CloneIT.strings(servers.source(), db, "SELECT body FROM public.docs WHERE id = 302").get(0);
		servers.target()
			.execute(db,
					"SELECT lo_put(" + big + ", 0, decode(repeat('ab', 5000000), 'hex')); SELECT lo_put(" + small
							+ ", 0, decode(repeat('cd', 20000), 'hex')); SELECT lo_truncate(lo_open(" + exact
							+ ", 131072), 10)");
		PgCopyDbRun again = PgCopyDbRun.run(env, "copy", "blobs", "--dir=" + dir.resolve("again"));

		assertThat(again.exitCode()).as(again.toString()).isZero();
		DatabaseComparison.assertSameDatabase(servers.source(), db, servers.target(), db);
		CloneIT.cleanup(servers, db);
		for (PgServer server : new PgServer[] { servers.source(), servers.target() }) {
			server.execute("postgres", "DROP ROLE IF EXISTS lo_keeper");
		}
	}

}
