package io.pgcopydb.config;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pgcopydb.pg.Identifiers;

/**
 * Keeps the sessions of one server open between units of work, so that a run of many
 * small tables does not pay a connection, a backend start and a password exchange per
 * table, per index and per VACUUM (measured: most of the time and of the tool's CPU of a
 * clone of 300 small tables went there). A session taken from the pool is a
 * {@link Connection} whose {@code close()} gives it back: the work ends its transaction
 * as it always did, then the pool rolls back whatever is left and puts the session back
 * in autocommit; the next work gets it with its settings reset by {@code RESET ALL} (to
 * the values it was opened with: the run's pinned settings travel in the startup packet,
 * so they are the reset values) and its own application_name. A session that is closed,
 * broken or in any doubt is closed for good instead; at most {@code maxIdle} wait in the
 * pool, and {@link #close()} closes them.
 */
public final class SessionPool implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SessionPool.class);

	/** How long the check of an idle session may wait for the server. */
	private static final int CHECK_TIMEOUT_MILLIS = 30_000;

	private final PgEndpoint endpoint;

	private final int maxIdle;

	private final Deque<Connection> idle = new ArrayDeque<>();

	private final AtomicLong opened = new AtomicLong();

	private final AtomicLong reused = new AtomicLong();

	private boolean closed;

	/**
	 * @param maxIdle how many sessions may wait in the pool (the work's parallelism)
	 */
	public SessionPool(PgEndpoint endpoint, int maxIdle) {
		this.endpoint = endpoint;
		this.maxIdle = maxIdle;
	}

	/**
	 * A session for {@code purpose} (shown in pg_stat_activity), in autocommit: an idle
	 * one of the pool, else a new one. Closing it gives it back.
	 */
	public Connection take(String purpose) {
		while (true) {
			Connection session = poll();
			if (session == null) {
				this.opened.incrementAndGet();
				return pooled(this.endpoint.connect(purpose));
			}
			try (Statement statement = session.createStatement()) {
				// one round trip, which also finds a session the server ended meanwhile:
				// the settings the last work changed go back to the session's own (its
				// startup packet's), and the new work shows under its name; bounded, so
				// that a connection a network dropped while idle fails fast
				int timeout = session.getNetworkTimeout();
				session.setNetworkTimeout(Runnable::run, CHECK_TIMEOUT_MILLIS);
				statement.execute("RESET ALL; SET application_name TO "
						+ Identifiers.literal(this.endpoint.applicationName(purpose)));
				session.setNetworkTimeout(Runnable::run, timeout);
				this.reused.incrementAndGet();
				return pooled(session);
			}
			catch (SQLException ex) {
				logger.debug("dropping a pooled session of {}: {}", this.endpoint, ex.getMessage());
				closeQuietly(session);
			}
		}
	}

	/** Sessions opened, and sessions handed out again, for the run's debug log. */
	public String usage() {
		return this.opened.get() + " sessions opened, " + this.reused.get() + " reuses";
	}

	private synchronized Connection poll() {
		return this.closed ? null : this.idle.pollFirst();
	}

	/** Takes back a session its work closed, or closes it when it cannot be reused. */
	private void giveBack(Connection session) {
		try {
			if (session.isClosed()) {
				return;
			}
			if (!session.getAutoCommit()) {
				session.rollback();
				session.setAutoCommit(true);
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("not reusing a session of {}: {}", this.endpoint, ex.getMessage());
			closeQuietly(session);
			return;
		}
		synchronized (this) {
			if (!this.closed && this.idle.size() < this.maxIdle) {
				this.idle.addFirst(session);
				return;
			}
		}
		closeQuietly(session);
	}

	/**
	 * Closes the idle sessions; sessions in use are closed when their work gives them
	 * back.
	 */
	@Override
	public void close() {
		Deque<Connection> left;
		synchronized (this) {
			this.closed = true;
			left = new ArrayDeque<>(this.idle);
			this.idle.clear();
		}
		left.forEach(SessionPool::closeQuietly);
	}

	/**
	 * Makes {@code connection}, when it comes from a pool, be closed rather than reused
	 * when its work gives it back: for work that failed in a way that may leave the
	 * session, or its backend, in doubt (the caller may even end that backend).
	 */
	public static void discard(Connection connection) {
		if (connection instanceof Discardable pooled) {
			pooled.discard();
		}
	}

	/** What a pooled session answers besides {@link Connection}. */
	private interface Discardable {

		void discard();

	}

	private Connection pooled(Connection session) {
		AtomicBoolean returned = new AtomicBoolean();
		AtomicBoolean discarded = new AtomicBoolean();
		InvocationHandler handler = (proxy, method, args) -> {
			switch (method.getName()) {
				case "discard" -> {
					discarded.set(true);
					return null;
				}
				case "close" -> {
					if (returned.compareAndSet(false, true)) {
						if (discarded.get()) {
							closeQuietly(session);
						}
						else {
							giveBack(session);
						}
					}
					return null;
				}
				case "isClosed" -> {
					return returned.get() || session.isClosed();
				}
				case "equals" -> {
					return proxy == args[0];
				}
				case "hashCode" -> {
					return System.identityHashCode(proxy);
				}
				case "toString" -> {
					return "pooled " + session;
				}
				default -> {
					if (returned.get()) {
						throw new SQLException("this session was given back to the pool", "08003");
					}
					return invoke(session, method, args);
				}
			}
		};
		return (Connection) Proxy.newProxyInstance(SessionPool.class.getClassLoader(),
				new Class<?>[] { Connection.class, Discardable.class }, handler);
	}

	private static Object invoke(Connection session, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(session, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private static void closeQuietly(Connection session) {
		try {
			session.close();
		}
		catch (SQLException ex) {
			// closing a broken session: nothing to do
		}
	}

}
