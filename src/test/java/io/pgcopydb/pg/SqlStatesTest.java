package io.pgcopydb.pg;

import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failures below are the ones PgJDBC 42.7 raised against PostgreSQL 15 (scram over
 * TCP, trust on the socket), with their SQLSTATE, message and cause as captured.
 */
class SqlStatesTest {

	private static SQLException server(String state, String message) {
		return new PSQLException(new ServerErrorMessage("SFATAL\0VFATAL\0C" + state + "\0M" + message + "\0"));
	}

	@Test
	void noPasswordIsNotAnUnreachableHost() {
		SQLException ex = new PSQLException(
				"The server requested SCRAM-based authentication, but no password was provided.",
				PSQLState.CONNECTION_REJECTED);
		assertThat(ex.getSQLState()).isEqualTo("08004");
		assertThat(SqlStates.cause(ex, true)).isEqualTo(SqlStates.Cause.NO_PASSWORD);
	}

	@Test
	void roleThatDoesNotExistIsNamed() {
		SQLException ex = server("28000", "role \"nosuchrole\" does not exist");
		assertThat(SqlStates.cause(ex, true)).isEqualTo(SqlStates.Cause.NO_SUCH_ROLE);
		assertThat(SqlStates.role(ex)).isEqualTo("nosuchrole");
	}

	@Test
	void wrongPassword() {
		SQLException ex = server("28P01", "password authentication failed for user \"postgres\"");
		assertThat(SqlStates.cause(ex, true)).isEqualTo(SqlStates.Cause.WRONG_PASSWORD);
		assertThat(SqlStates.cause(ex, true).sessionLost()).isFalse();
	}

	@Test
	void otherAuthorizationFailures() {
		SQLException ex = server("28000",
				"no pg_hba.conf entry for host \"127.0.0.1\", user \"app\", database \"db\", no encryption");
		assertThat(SqlStates.cause(ex, true)).isEqualTo(SqlStates.Cause.NOT_AUTHORIZED);
	}

	@Test
	void refusedConnectionIsUnreachable() {
		SQLException ex = new PSQLException(
				"Connection to 127.0.0.1:55439 refused. Check that the hostname and port are correct and that the"
						+ " postmaster is accepting TCP/IP connections.",
				PSQLState.CONNECTION_UNABLE_TO_CONNECT, new ConnectException("Connection refused"));
		assertThat(SqlStates.cause(ex, true)).isEqualTo(SqlStates.Cause.UNREACHABLE);
	}

	@Test
	void backendTerminatedMidCopyIsALostSession() {
		SQLException copyIn = new PSQLException("Database connection failed when writing to copy",
				PSQLState.CONNECTION_FAILURE, new SocketException("Broken pipe"));
		SQLException copyOut = new PSQLException("Database connection failed when reading from copy",
				PSQLState.CONNECTION_FAILURE, new java.io.EOFException());
		assertThat(SqlStates.cause(copyIn, false)).isEqualTo(SqlStates.Cause.CONNECTION_LOST);
		assertThat(SqlStates.cause(copyOut, false)).isEqualTo(SqlStates.Cause.CONNECTION_LOST);
		assertThat(SqlStates.cause(copyIn, false).sessionLost()).isTrue();
	}

	@Test
	void serverSideEndsOfASession() {
		assertThat(SqlStates.cause(server("57P01", "terminating connection due to administrator command"), false))
			.isEqualTo(SqlStates.Cause.TERMINATED);
		assertThat(SqlStates
			.cause(server("57P02", "terminating connection because of crash of another server" + " process"), false))
			.isEqualTo(SqlStates.Cause.CRASHED);
		assertThat(SqlStates.cause(server("57P03", "the database system is shutting down"), true))
			.isEqualTo(SqlStates.Cause.NOT_ACCEPTING);
		assertThat(SqlStates.Cause.TERMINATED.sessionLost()).isTrue();
		assertThat(SqlStates.Cause.CRASHED.sessionLost()).isTrue();
	}

	@Test
	void failuresOfTheWorkItselfAreNotRetried() {
		SQLException unique = new PSQLException(new ServerErrorMessage(
				"SERROR\0VERROR\0C23505\0Mduplicate key value violates unique constraint \"t_pkey\"\0"));
		SQLException canceled = new PSQLException(
				new ServerErrorMessage("SERROR\0VERROR\0C57014\0Mcanceling statement due to user request\0"));
		assertThat(SqlStates.cause(unique, false)).isEqualTo(SqlStates.Cause.OTHER);
		assertThat(SqlStates.cause(canceled, false).sessionLost()).isFalse();
	}

	@Test
	void missingDatabase() {
		assertThat(SqlStates.cause(server("3D000", "database \"nope\" does not exist"), true))
			.isEqualTo(SqlStates.Cause.NO_SUCH_DATABASE);
	}

}
