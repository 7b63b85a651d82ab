package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.database.Roles;
import io.pgcopydb.error.DatabaseException;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.pg.SqlStates;

/**
 * Creates on the target cluster the source cluster's roles it lacks ({@code copy roles},
 * {@code clone --roles}); see {@link Roles}. Existing roles are left alone and listed, so
 * a retry creates only what is still missing.
 */
class RolesTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(RolesTasklet.class);

	private final CloneRequest request;

	RolesTasklet(CloneRequest request) {
		this.request = request;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		boolean passwords = this.request.objects().rolePasswords();
		Roles roles;
		try (Connection source = this.request.source().connect("roles")) {
			roles = Roles.read(source, passwords);
		}
		catch (SQLException ex) {
			if (passwords && SqlStates.INSUFFICIENT_PRIVILEGE.equals(ex.getSQLState())) {
				throw new DatabaseException(ExitCode.SOURCE,
						"reading role passwords needs a superuser on the " + this.request.source()
								+ " (pg_authid): connect --source as one, or pass --no-role-passwords"
								+ " and set the passwords on the target yourself",
						ex.getSQLState(), ex);
			}
			throw this.request.source().failure("reading the source's roles", ex);
		}
		try (Connection target = this.request.target().connect("roles")) {
			if (!Roles.canCreateRoles(target)) {
				throw new DatabaseException(ExitCode.TARGET,
						"role \"" + this.request.target().connectionString().user() + "\" on the "
								+ this.request.target() + " cannot create roles (it needs CREATEROLE or SUPERUSER):"
								+ " connect --target as a role that can, or create the roles yourself",
						SqlStates.INSUFFICIENT_PRIVILEGE, null);
			}
			Roles.Result result = roles.createMissing(target);
			result.warnings().forEach((warning) -> logger.warn("Role setting or membership not applied: {}", warning));
			if (!result.existing().isEmpty()) {
				logger.info("{} roles already exist on the target and were left as they are: {}",
						result.existing().size(), String.join(", ", result.existing()));
			}
			logger.info("Created {} roles on the target{}", result.created().size(),
					result.created().isEmpty() ? "" : ": " + String.join(", ", result.created()));
			contribution.incrementWriteCount(result.created().size());
		}
		catch (SQLException ex) {
			throw this.request.target().failure("creating roles", ex);
		}
		return RepeatStatus.FINISHED;
	}

}
