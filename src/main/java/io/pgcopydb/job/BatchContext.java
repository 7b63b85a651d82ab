package io.pgcopydb.job;

import java.util.HashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.pgcopydb.config.SharedRepository;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.signal.StopSignal;

/**
 * Builds the Spring context of one command, after the command line is parsed: the
 * repository's location depends on --dir, so it cannot be fixed in a properties file. The
 * JobRepository is the embedded SQLite file in --dir (WAL, so another process such as
 * {@code list progress} can read it while a job writes; IMMEDIATE transactions, so
 * concurrent partition updates queue instead of failing with SQLITE_BUSY), or the run's
 * schema in a PostgreSQL database with --repository-url ({@link SharedRepository}).
 * <p>
 * Every bean is imported by name, nothing is scanned: the shared wiring here, and what a
 * job's configuration class brings, so one job's beans never appear in another's context.
 */
@SpringBootConfiguration
@Import({ RepositorySchema.class, Runs.class })
// Only what a command uses: evaluating Boot's whole auto-configuration list costs
// hundreds of milliseconds on every invocation, and schedulers start many.
@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class,
		DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
		BatchJdbcAutoConfiguration.class })
public class BatchContext {

	/**
	 * A context with the repository of {@code dir} only, to read runs, stop or abandon
	 * them, plus {@code queries}: classes whose beans read it (a job's progress queries).
	 */
	public static ConfigurableApplicationContext start(WorkDirectory dir, Class<?>... queries) {
		return builder(dir).sources(queries).run();
	}

	/**
	 * A context that can run a job.
	 * @param stop the command's stop signal, which steps, sessions and the stop watcher
	 * share
	 * @param request the command's validated request, registered as a bean for the job's
	 * configuration to use
	 * @param jobConfiguration the job's configuration class
	 */
	public static ConfigurableApplicationContext start(WorkDirectory dir, StopSignal stop, JobRequest request,
			Class<?> jobConfiguration) {
		return start(dir, stop, request, jobConfiguration, Map.of());
	}

	/**
	 * As above, with {@code properties} over the configuration's (a worker process runs
	 * with its manager's COPY format).
	 */
	public static ConfigurableApplicationContext start(WorkDirectory dir, StopSignal stop, JobRequest request,
			Class<?> jobConfiguration, Map<String, Object> properties) {
		return builder(dir).sources(JobWiring.class, jobConfiguration)
			.properties(properties)
			.initializers((context) -> {
				context.getBeanFactory().registerSingleton("stopSignal", stop);
				context.getBeanFactory().registerSingleton(request.getClass().getSimpleName(), request);
			})
			.run();
	}

	/** The JDBC URL of the embedded repository of {@code dir}. */
	static String repositoryUrl(WorkDirectory dir) {
		return "jdbc:sqlite:" + dir.repositoryFile()
				+ "?journal_mode=WAL&busy_timeout=30000&synchronous=NORMAL&transaction_mode=IMMEDIATE";
	}

	/**
	 * The repository's connection pool: at most 8 sessions (the partition threads update
	 * their step executions through it). On PostgreSQL it keeps one idle session, not 8:
	 * a {@code job list} needs one, and many runs may share the server.
	 */
	@Bean(destroyMethod = "close")
	static HikariDataSource dataSource(WorkDirectory workDirectory) {
		HikariConfig config = new HikariConfig();
		config.setPoolName("repository");
		config.setMaximumPoolSize(8);
		SharedRepository shared = workDirectory.sharedRepository();
		if (shared == null) {
			config.setJdbcUrl(repositoryUrl(workDirectory));
		}
		else {
			config.setJdbcUrl(shared.jdbcUrl());
			config.setDataSourceProperties(shared.jdbcProperties("repository"));
			config.setMinimumIdle(1);
		}
		return new HikariDataSource(config);
	}

	/**
	 * One plain connection to the repository of {@code dir}, for the commands that steer
	 * a run without a Spring context; the caller destroys it.
	 */
	static SingleConnectionDataSource singleConnection(WorkDirectory dir) {
		SharedRepository shared = dir.sharedRepository();
		if (shared == null) {
			return new SingleConnectionDataSource(repositoryUrl(dir), true);
		}
		SingleConnectionDataSource single = new SingleConnectionDataSource();
		single.setSuppressClose(true);
		single.setUrl(shared.jdbcUrl());
		single.setConnectionProperties(shared.jdbcProperties("repository"));
		return single;
	}

	private static SpringApplicationBuilder builder(WorkDirectory dir) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.batch.job.enabled", false);
		properties.put("spring.batch.jdbc.initialize-schema", "never");
		if (dir.sharedRepository() != null) {
			// Spring Batch creates executions SERIALIZABLE by default: on PostgreSQL, the
			// parallel steps of one run creating their partitions at once then fail with
			// serialization errors. One process drives a run (its lease), so nothing
			// else creates executions of it concurrently.
			properties.put("spring.batch.jdbc.isolation-level-for-create", "read-committed");
		}
		return new SpringApplicationBuilder(BatchContext.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties)
			.initializers((context) -> context.getBeanFactory().registerSingleton("workDirectory", dir));
	}

}
