package io.pgcopydb.progress;

import java.nio.file.Path;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;

/**
 * Logging of a command: stderr as configured in logback.xml, plus the run's log file in
 * --dir, attached once --dir is known. Spring Boot is told to leave logging alone, so
 * this stays the one configuration.
 */
public final class LogSetup {

	static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

	private LogSetup() {
	}

	/** Called first by every command: --debug or not. */
	public static void init(boolean debug) {
		System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
		if (!debug && root().getAppender("stderr") instanceof ConsoleAppender<ILoggingEvent> console) {
			// Spring Batch reports a failed step in generic words ("Encountered an error
			// executing step ..."); our own line names the cause and the remedy, so
			// theirs
			// stays in the log file and off the console.
			Filter<ILoggingEvent> batchErrors = new Filter<>() {
				@Override
				public FilterReply decide(ILoggingEvent event) {
					return event.getLoggerName().startsWith("org.springframework.batch") ? FilterReply.DENY
							: FilterReply.NEUTRAL;
				}
			};
			batchErrors.setContext(console.getContext());
			batchErrors.start();
			console.addFilter(batchErrors);
		}
		if (debug) {
			((Logger) LoggerFactory.getLogger("io.pgcopydb")).setLevel(Level.DEBUG);
			// logback.xml keeps stack traces off the console; --debug brings them back
			if (root().getAppender("stderr") instanceof ConsoleAppender<ILoggingEvent> console) {
				console.stop();
				console.setEncoder(encoder("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n"));
				console.start();
			}
		}
	}

	/**
	 * While a progress bar owns the terminal, the console shows only warnings and errors:
	 * interleaved INFO lines would break the bar. The log file keeps everything.
	 */
	public static void consoleWarningsOnly() {
		if (root().getAppender("stderr") instanceof ConsoleAppender<ILoggingEvent> console) {
			ThresholdFilter filter = new ThresholdFilter();
			filter.setLevel(Level.WARN.toString());
			filter.setContext(console.getContext());
			filter.start();
			console.addFilter(filter);
		}
	}

	public static void attachFile(Path file) {
		FileAppender<ILoggingEvent> appender = new FileAppender<>();
		appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
		appender.setName("run-file");
		appender.setFile(file.toString());
		appender.setAppend(true);
		appender.setEncoder(encoder(PATTERN));
		appender.start();
		root().addAppender(appender);
	}

	/** Whether the command runs with --debug. */
	public static boolean debugging() {
		return LoggerFactory.getLogger("io.pgcopydb").isDebugEnabled();
	}

	private static PatternLayoutEncoder encoder(String pattern) {
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
		encoder.setPattern(pattern);
		encoder.start();
		return encoder;
	}

	private static Logger root() {
		return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
	}

}
