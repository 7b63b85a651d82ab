package io.pgcopydb.cli;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.sentinel.Sentinel;
import io.pgcopydb.error.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamSentinelCommandTest {

	private static CommandLine.ParseResult parse(String... args) {
		return new CommandLine(new PgCopyDbCommand()).parseArgs(args);
	}

	private static CommandLine.ParseResult leaf(CommandLine.ParseResult result) {
		while (result.hasSubcommand()) {
			result = result.subcommand();
		}
		return result;
	}

	@Test
	void endposTakesAnLsnOrCurrentButNotBoth() {
		assertThat(leaf(parse("stream", "sentinel", "set", "endpos", "0/16B6C50", "--dir", "/tmp/x"))
			.matchedPositionalValue(0, "")).isEqualTo("0/16B6C50");
		assertThat(leaf(parse("stream", "sentinel", "set", "endpos", "--current", "--source", "dbname=x"))
			.hasMatchedOption("--current")).isTrue();
		assertThatThrownBy(() -> parse("stream", "sentinel", "set", "endpos"))
			.isInstanceOf(CommandLine.ParameterException.class);
		assertThatThrownBy(() -> parse("stream", "sentinel", "set", "endpos", "0/1", "--current"))
			.isInstanceOf(CommandLine.ParameterException.class);
	}

	@Test
	void theOtherSubcommandsParse() {
		assertThat(leaf(parse("stream", "sentinel", "get", "--json")).hasMatchedOption("--json")).isTrue();
		assertThat(leaf(parse("stream", "sentinel", "set", "startpos", "1/0")).commandSpec().name())
			.isEqualTo("startpos");
		assertThat(leaf(parse("stream", "sentinel", "set", "apply")).commandSpec().name()).isEqualTo("apply");
		assertThat(leaf(parse("stream", "sentinel", "set", "prefetch")).commandSpec().name()).isEqualTo("prefetch");
	}

	@Test
	void aMalformedLsnIsABadArgument() {
		int code = PgCopyDbCommand.execute("stream", "sentinel", "set", "startpos", "16B6C50", "--dir",
				"/nonexistent/pgcopydb-test");
		assertThat(code).isEqualTo(ExitCode.BAD_ARGUMENTS.code());
	}

	@Test
	void getPrintsPgcopydbsFieldsThenTheLag() {
		Instant commit = Instant.parse("2024-05-01T10:00:00Z");
		Sentinel sentinel = new Sentinel(Lsn.parse("0/100", "t"), Lsn.INVALID, true, Lsn.parse("0/900", "t"),
				Lsn.parse("0/800", "t"), Lsn.parse("0/600", "t"), commit, commit);
		Map<String, Object> fields = StreamSentinelCommand.fields(sentinel, commit.plusMillis(2500));
		assertThat(fields.keySet()).startsWith("startpos", "endpos", "apply", "write_lsn", "flush_lsn", "replay_lsn");
		assertThat(fields).containsEntry("apply", "enabled")
			.containsEntry("endpos", "0/0")
			.containsEntry("lag_bytes", 0x200L)
			.containsEntry("lag_seconds", 2.5);
	}

}
