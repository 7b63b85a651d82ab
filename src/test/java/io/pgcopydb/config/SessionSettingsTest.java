package io.pgcopydb.config;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.pgcopydb.pg.ServerVersion;

import static org.assertj.core.api.Assertions.assertThat;

/** The pinned session settings: which server gets which, and how they are sent. */
class SessionSettingsTest {

	@Test
	void settingsAreSentOnlyToServersThatKnowThem() {
		List<String> on13 = names(SessionSettings.forSession(Side.SOURCE, new ServerVersion(130012)));
		List<String> on17 = names(SessionSettings.forSession(Side.SOURCE, new ServerVersion(170002)));
		List<String> unknown = names(SessionSettings.forSession(Side.SOURCE, null));

		assertThat(on13).contains("extra_float_digits", "IntervalStyle", "statement_timeout", "lc_monetary")
			.doesNotContain("idle_session_timeout", "transaction_timeout");
		assertThat(on17).contains("idle_session_timeout", "transaction_timeout");
		// the Citus settings, best effort, are set on a first session, not sent blind
		assertThat(unknown).isEqualTo(on13.stream().filter((name) -> !name.startsWith("citus.")).toList());
	}

	@Test
	void citusShardsStayHiddenFromEverySessionOfAKnownServer() {
		for (Side side : Side.values()) {
			assertThat(SessionSettings.forSession(side, new ServerVersion(150020)))
				.filteredOn((setting) -> setting.name().startsWith("citus."))
				.extracting(SessionSettings.Setting::name, SessionSettings.Setting::value,
						SessionSettings.Setting::bestEffort)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("citus.override_table_visibility", "on", true),
						org.assertj.core.groups.Tuple.tuple("citus.show_shards_for_app_name_prefixes", "", true));
		}
	}

	@Test
	void backendsOfADeadClientStopOnTheirOwnWhereTheServerCanTell() {
		assertThat(SessionSettings.forSession(Side.SOURCE, new ServerVersion(140005)))
			.contains(new SessionSettings.Setting("client_connection_check_interval", "10s", 140000, false, true));
		assertThat(SessionSettings.forSession(Side.TARGET, new ServerVersion(150018)))
			.extracting(SessionSettings.Setting::name)
			.contains("client_connection_check_interval");
		assertThat(names(SessionSettings.forSession(Side.TARGET, new ServerVersion(130012))))
			.doesNotContain("client_connection_check_interval");
	}

	@Test
	void onlyTheTargetIsForcedWritable() {
		ServerVersion v15 = new ServerVersion(150018);

		assertThat(names(SessionSettings.forSession(Side.TARGET, v15))).contains("default_transaction_read_only");
		assertThat(names(SessionSettings.forSession(Side.SOURCE, v15))).doesNotContain("default_transaction_read_only");
	}

	@Test
	void targetCommitsAreDurableBeforeTheRepositoryRecordsThem() {
		ServerVersion v13 = new ServerVersion(130012);

		assertThat(SessionSettings.forSession(Side.TARGET, v13))
			.filteredOn((setting) -> setting.name().equals("synchronous_commit"))
			.extracting(SessionSettings.Setting::value)
			.containsExactly("on");
		assertThat(names(SessionSettings.forSession(Side.SOURCE, v13))).doesNotContain("synchronous_commit");
	}

	@Test
	void optionsEscapeSpacesAsTheServerSplitsThem() {
		String options = SessionSettings.options(List.of(new SessionSettings.Setting("DateStyle", "ISO,MDY", 0, false),
				new SessionSettings.Setting("default_transaction_isolation", "read committed", 0, false)));

		assertThat(options).isEqualTo("-c DateStyle=ISO,MDY -c default_transaction_isolation=read\\ committed");
	}

	private static List<String> names(List<SessionSettings.Setting> settings) {
		return settings.stream().map(SessionSettings.Setting::name).toList();
	}

}
