package io.pgcopydb.job;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

import io.pgcopydb.config.WorkDirectory;

/**
 * Builds the Spring context of one command, after the command line is parsed: the
 * repository's location depends on --dir, so it cannot be fixed in a properties file. The
 * JobRepository is the embedded SQLite file in --dir (WAL, so another process such as
 * {@code list progress} can read it while a job writes; IMMEDIATE transactions, so
 * concurrent partition updates queue instead of failing with SQLITE_BUSY).
 */
@SpringBootConfiguration
// the repository and what reads it; a job's own beans come with its configuration class
@ComponentScan(basePackages = "io.pgcopydb.job",
		excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.pgcopydb\\.job\\.clone\\..*"))
// Only what a command uses: evaluating Boot's whole auto-configuration list costs
// hundreds of milliseconds on every invocation, and schedulers start many.
@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, DataSourceAutoConfiguration.class,
		DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
		JdbcTemplateAutoConfiguration.class, BatchJdbcAutoConfiguration.class })
public class BatchContext {

	/**
	 * A context with the repository of {@code dir} only: to read runs, stop or abandon
	 * them.
	 */
	public static ConfigurableApplicationContext start(WorkDirectory dir) {
		return builder(dir).run();
	}

	/**
	 * A context that can run a job.
	 * @param request the command's validated request, registered as a bean for the job's
	 * configuration to use
	 * @param jobConfiguration the job's configuration class
	 */
	public static ConfigurableApplicationContext start(WorkDirectory dir, Object request, Class<?> jobConfiguration) {
		return builder(dir).sources(jobConfiguration)
			.initializers((context) -> context.getBeanFactory()
				.registerSingleton(request.getClass().getSimpleName(), request))
			.run();
	}

	private static SpringApplicationBuilder builder(WorkDirectory dir) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.datasource.url", "jdbc:sqlite:" + dir.repositoryFile()
				+ "?journal_mode=WAL&busy_timeout=30000&synchronous=NORMAL&transaction_mode=IMMEDIATE");
		properties.put("spring.datasource.hikari.maximum-pool-size", 8);
		properties.put("spring.datasource.hikari.pool-name", "repository");
		properties.put("spring.batch.job.enabled", false);
		properties.put("spring.batch.jdbc.initialize-schema", "never");
		return new SpringApplicationBuilder(BatchContext.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties);
	}

}
