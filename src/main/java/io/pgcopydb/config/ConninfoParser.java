package io.pgcopydb.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pgcopydb.error.BadArgumentsException;

/**
 * Reads a URI or keyword/value string into keyword values, later ones winning, as libpq's
 * conninfo parsers do. Error messages never quote text that may belong to a password:
 * when a parse error follows a password value, they say how to quote or encode it
 * instead.
 * <p>
 * Syntax only: the values come back as written (percent-decoded), before environment
 * defaults and {@link ConnectionString}'s checks of ports, hosts and enumerations. One
 * instance reads one string; it is not thread-safe.
 */
final class ConninfoParser {

	private static final Set<String> SECRETS = Set.of("password", "sslpassword");

	private final String optionName;

	private final Map<String, String> values = new HashMap<>();

	private boolean dbnameSeen;

	private String previousKey;

	ConninfoParser(String optionName) {
		this.optionName = optionName;
	}

	Map<String, String> parse(String raw) {
		if (raw == null || raw.isBlank()) {
			throw invalid("the connection string is empty; give a libpq URI or keyword=value pairs",
					ConnectionString.URI_EXAMPLE);
		}
		String text = raw.strip();
		if (text.regionMatches(true, 0, "jdbc:", 0, 5)) {
			throw invalid("a JDBC URL is not a libpq connection string; drop the leading jdbc:",
					ConnectionString.URI_EXAMPLE);
		}
		parseAny(text);
		return this.values;
	}

	private void parseAny(String text) {
		int prefix = uriPrefixLength(text);
		if (prefix > 0) {
			parseUri(text.substring(prefix));
		}
		else {
			parseKeywords(text);
		}
	}

	private static int uriPrefixLength(String text) {
		for (String prefix : List.of("postgresql://", "postgres://")) {
			if (text.regionMatches(true, 0, prefix, 0, prefix.length())) {
				return prefix.length();
			}
		}
		return 0;
	}

	private void parseKeywords(String text) {
		int n = text.length();
		int i = 0;
		while (true) {
			i = skipSpaces(text, i);
			if (i >= n) {
				return;
			}
			int start = i;
			while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
				i++;
			}
			String key = text.substring(start, i);
			i = skipSpaces(text, i);
			if (i >= n || text.charAt(i) != '=') {
				throw missingEquals(key, text);
			}
			i = skipSpaces(text, i + 1);
			StringBuilder value = new StringBuilder();
			boolean quoted = i < n && text.charAt(i) == '\'';
			if (quoted) {
				i++;
			}
			while (true) {
				if (i >= n) {
					if (quoted) {
						throw invalid(
								"the quoted value of " + printable(key)
										+ " has no closing quote; write embedded quotes as \\'",
								ConnectionString.KEYWORDS_EXAMPLE);
					}
					break;
				}
				char c = text.charAt(i++);
				if (c == '\\') {
					if (i < n) {
						value.append(text.charAt(i++));
					}
				}
				else if (quoted ? c == '\'' : Character.isWhitespace(c)) {
					break;
				}
				else {
					value.append(c);
				}
			}
			put(key, value.toString(), ConnectionString.KEYWORDS_EXAMPLE);
		}
	}

	private static int skipSpaces(String text, int from) {
		int i = from;
		while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
			i++;
		}
		return i;
	}

	private BadArgumentsException missingEquals(String word, String text) {
		if (followsSecret()) {
			return afterSecret(ConnectionString.KEYWORDS_EXAMPLE);
		}
		if (this.values.isEmpty() && !text.contains("=")) {
			return invalid("the connection string is neither a postgres:// URI nor keyword=value pairs",
					ConnectionString.URI_EXAMPLE);
		}
		return invalid(
				"missing \"=\" after " + printable(word)
						+ "; write keyword=value pairs and quote values holding spaces",
				ConnectionString.KEYWORDS_EXAMPLE);
	}

	private boolean followsSecret() {
		return this.previousKey != null && SECRETS.contains(this.previousKey);
	}

	private BadArgumentsException afterSecret(String example) {
		String remedy = example.equals(ConnectionString.URI_EXAMPLE) ? "percent-encode '&' as %26 and '=' as %3D in it"
				: "enclose the value in single quotes, as in application_name='two words'";
		return invalid("unexpected text after the " + this.previousKey + " value; if the " + this.previousKey
				+ " contains such characters, " + remedy, example);
	}

	/** Keywords are quoted in messages only when they look like one. */
	private static String printable(String key) {
		return key.matches("[A-Za-z0-9_]{1,40}") ? "\"" + key + "\"" : "a keyword";
	}

	private void put(String key, String value, String example) {
		if (!ConnectionString.KEYWORDS.contains(key)) {
			if (followsSecret()) {
				throw afterSecret(example);
			}
			throw invalid("invalid connection option " + printable(key) + "; valid options are "
					+ String.join(", ", ConnectionString.KEYWORDS), example);
		}
		this.previousKey = key;
		// As libpq's expand_dbname: a first dbname holding a connection string
		// contributes its keywords in place.
		if (key.equals("dbname") && !this.dbnameSeen) {
			this.dbnameSeen = true;
			if (value.contains("=") || uriPrefixLength(value) > 0) {
				parseAny(value);
				return;
			}
		}
		this.values.put(key, value);
	}

	private void parseUri(String rest) {
		int authorityEnd = indexOfAny(rest, "/?");
		String authority = rest.substring(0, authorityEnd);
		String remainder = rest.substring(authorityEnd);
		int question = remainder.indexOf('?');
		String path = (question >= 0) ? remainder.substring(0, question) : remainder;
		int at = authority.lastIndexOf('@');
		if (at < 0 && path.contains("@")) {
			// Most likely a password holding '/': never guess, or part of it would
			// be quoted as a host, port or database name.
			throw invalid(
					"the URI has an '@' after its first '/'; percent-encode '/' as %2F"
							+ " in the user name or password (or '@' as %40 in the database name)",
					ConnectionString.URI_EXAMPLE);
		}
		if (at >= 0) {
			String userInfo = authority.substring(0, at);
			int colon = userInfo.indexOf(':');
			this.values.put("user", decode((colon >= 0) ? userInfo.substring(0, colon) : userInfo));
			if (colon >= 0) {
				this.values.put("password", decode(userInfo.substring(colon + 1)));
			}
		}
		parseHostPort(authority.substring(at + 1));
		if (path.startsWith("/")) {
			this.dbnameSeen = true;
			this.values.put("dbname", decode(path.substring(1)));
		}
		if (question >= 0) {
			parseQuery(remainder.substring(question + 1));
		}
	}

	private void parseHostPort(String hostPort) {
		if (hostPort.contains(",")) {
			throw invalid("the URI names several hosts, which is not supported; give one host",
					ConnectionString.URI_EXAMPLE);
		}
		String host = hostPort;
		String port = "";
		if (hostPort.startsWith("[")) {
			int close = hostPort.indexOf(']');
			if (close < 0 || (close + 1 < hostPort.length() && hostPort.charAt(close + 1) != ':')) {
				throw invalid("an IPv6 address in the URI must be [address] or [address]:port",
						"postgres://user@[::1]:5432/dbname");
			}
			host = hostPort.substring(1, close);
			port = hostPort.substring(Math.min(close + 2, hostPort.length()));
		}
		else if (hostPort.indexOf(':') >= 0) {
			host = hostPort.substring(0, hostPort.indexOf(':'));
			port = hostPort.substring(hostPort.indexOf(':') + 1);
		}
		if (!host.isEmpty()) {
			this.values.put("host", decode(host));
		}
		if (!port.isEmpty()) {
			// Not quoted: a password holding '/' or '?' ends up here.
			if (!port.matches("[0-9]{1,5}")) {
				throw invalid(
						"the URI has an invalid port; if the user name or password contains"
								+ " ':', '/', '?' or '@', percent-encode them (%3A, %2F, %3F, %40)",
						ConnectionString.URI_EXAMPLE);
			}
			this.values.put("port", port);
		}
	}

	private void parseQuery(String query) {
		this.previousKey = null;
		for (String pair : query.split("&", -1)) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			if (equals < 0) {
				if (followsSecret()) {
					throw afterSecret(ConnectionString.URI_EXAMPLE);
				}
				throw invalid("a URI query parameter is not of the form keyword=value", ConnectionString.URI_EXAMPLE);
			}
			String key = decode(pair.substring(0, equals));
			String value = decode(pair.substring(equals + 1));
			if (key.equals("ssl")) {
				// libpq's alias, kept for JDBC users: ssl=true is sslmode=require.
				if (!value.equals("true")) {
					throw invalid("ssl accepts only true (meaning sslmode=require)", ConnectionString.URI_EXAMPLE);
				}
				key = "sslmode";
				value = "require";
			}
			put(key, value, ConnectionString.URI_EXAMPLE);
		}
	}

	private static int indexOfAny(String text, String characters) {
		for (int i = 0; i < text.length(); i++) {
			if (characters.indexOf(text.charAt(i)) >= 0) {
				return i;
			}
		}
		return text.length();
	}

	/** Percent-decodes into UTF-8, refusing malformed escapes and %00 as libpq does. */
	private String decode(String text) {
		if (text.indexOf('%') < 0) {
			return text;
		}
		StringBuilder decoded = new StringBuilder();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c != '%') {
				decoded.append(bytes.toString(StandardCharsets.UTF_8)).append(c);
				bytes.reset();
				continue;
			}
			int high = (i + 2 < text.length()) ? Character.digit(text.charAt(i + 1), 16) : -1;
			int low = (i + 2 < text.length()) ? Character.digit(text.charAt(i + 2), 16) : -1;
			if (high < 0 || low < 0 || (high == 0 && low == 0)) {
				throw invalid("the URI has an invalid percent-encoding; write %XX with two hex digits (and no %00)",
						ConnectionString.URI_EXAMPLE);
			}
			bytes.write(high * 16 + low);
			i += 2;
		}
		return decoded.append(bytes.toString(StandardCharsets.UTF_8)).toString();
	}

	/** Names the option the string came from, as every message does. */
	private BadArgumentsException invalid(String problem, String example) {
		return ConnectionString.invalid(this.optionName, problem, example);
	}

}
