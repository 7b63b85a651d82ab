package io.pgcopydb.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pgcopydb.error.BadArgumentsException;

/**
 * Checks the resolved keyword values of a connection string (from the string, a service
 * file or the environment) before they are used; each message names where the value came
 * from when that was not the option itself.
 *
 * @param optionName the option the string came from, such as {@code --source}
 * @param values the resolved keyword values
 * @param origins for each keyword, the option, service or variable it came from
 */
record ConninfoValidation(String optionName, Map<String, String> values, Map<String, String> origins) {

	private static final Set<String> INTEGER_KEYWORDS = Set.of("connect_timeout", "keepalives", "keepalives_idle",
			"keepalives_interval", "keepalives_count");

	private static final Map<String, List<String>> ENUMERATIONS = Map.of("sslmode",
			List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full"), "gssencmode",
			List.of("disable", "prefer", "require"), "target_session_attrs",
			List.of("any", "read-write", "read-only", "primary", "standby", "prefer-standby"));

	void check() {
		checkHost();
		checkHostaddr();
		String port = this.values.get("port");
		if (port != null) {
			if (port.contains(",")) {
				throw multipleHosts("port");
			}
			if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
				throw invalid("port \"" + port + "\"" + from("port") + " is not a port number (1 to 65535)",
						ConnectionString.KEYWORDS_EXAMPLE);
			}
		}
		ENUMERATIONS.forEach((keyword, allowed) -> {
			String value = this.values.get(keyword);
			if (value != null && !allowed.contains(value)) {
				throw invalid(keyword + " \"" + value + "\"" + from(keyword) + " is not valid; use one of "
						+ String.join(", ", allowed), ConnectionString.URI_EXAMPLE);
			}
		});
		for (String keyword : INTEGER_KEYWORDS) {
			String value = this.values.get(keyword);
			if (value != null && !value.matches("[0-9]{1,9}")) {
				throw invalid(keyword + " \"" + value + "\"" + from(keyword) + " is not a non-negative integer",
						"connect_timeout=10");
			}
		}
	}

	/** A host starting with '/' is a socket directory, as in libpq. */
	private void checkHost() {
		String host = this.values.get("host");
		if (host == null) {
			return;
		}
		if (host.contains(",")) {
			throw multipleHosts("host");
		}
		if (host.startsWith("@")) {
			throw invalid("host \"" + host + "\"" + from("host") + " is a socket in Linux's abstract namespace,"
					+ " which pgcopydb does not support; give the socket directory (host=/var/run/postgresql)"
					+ " or a TCP host", "host=/var/run/postgresql dbname=pagila");
		}
	}

	private void checkHostaddr() {
		String hostaddr = this.values.get("hostaddr");
		if (hostaddr == null) {
			return;
		}
		if (hostaddr.contains(",")) {
			throw multipleHosts("hostaddr");
		}
		if (hostaddr.startsWith("/") || hostaddr.startsWith("@")) {
			throw invalid(
					"hostaddr \"" + hostaddr + "\"" + from("hostaddr")
							+ " is not an IP address; give a socket directory in host instead",
					"host=/var/run/postgresql dbname=pagila");
		}
	}

	private BadArgumentsException multipleHosts(String keyword) {
		return invalid(
				"several hosts or ports in " + keyword + from(keyword)
						+ " (a comma list) are not supported; give a single host and port",
				ConnectionString.KEYWORDS_EXAMPLE);
	}

	private BadArgumentsException invalid(String problem, String example) {
		return ConnectionString.invalid(this.optionName, problem, example);
	}

	private String from(String keyword) {
		String origin = this.origins.get(keyword);
		return this.optionName.equals(origin) ? "" : " (from " + origin + ")";
	}

}
