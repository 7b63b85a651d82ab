package io.pgcopydb.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a source and a target PostgreSQL server: declare a {@link PgServers}
 * parameter on a test, lifecycle method or constructor.
 *
 * <pre>
 * &#64;ExtendWith(PostgresExtension.class)
 * class CloneIT {
 *     &#64;Test
 *     void clonesSample(PgServers servers) { ... servers.source() ... servers.target() ... }
 * }
 * </pre>
 *
 * The servers start on first use and live in the root store, so every class of the run
 * shares one pair; the store closes them when the engine finishes. A failed start is
 * remembered: every later test fails at once with the same message rather than trying
 * again (and instead of being skipped).
 */
public class PostgresExtension implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(PostgresExtension.class);

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == PgServers.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return servers(extensionContext);
	}

	/** The run's servers, started on first use; for other extensions. */
	public static PgServers servers(ExtensionContext extensionContext) {
		return extensionContext.getRoot()
			.getStore(NAMESPACE)
			.computeIfAbsent(Startup.class, (key) -> Startup.attempt(), Startup.class)
			.servers();
	}

	/** The outcome of the one start attempt of the run; closing it stops the servers. */
	private record Startup(TestServers started, RuntimeException failure) implements AutoCloseable {

		static Startup attempt() {
			try {
				return new Startup(TestServers.start(), null);
			}
			catch (RuntimeException ex) {
				return new Startup(null, ex);
			}
		}

		PgServers servers() {
			if (this.failure != null) {
				throw new ParameterResolutionException(
						"Cannot start PostgreSQL for the integration tests: " + this.failure.getMessage(),
						this.failure);
			}
			return this.started.servers();
		}

		@Override
		public void close() {
			if (this.started != null) {
				this.started.close();
			}
		}

	}

}
