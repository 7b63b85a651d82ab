package io.pgcopydb.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import org.springframework.context.ConfigurableApplicationContext;

import io.pgcopydb.cdc.receive.StreamCleanup;
import io.pgcopydb.cdc.receive.StreamRecords;
import io.pgcopydb.config.PgEndpoint;
import io.pgcopydb.config.Side;
import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.error.ExitCode;
import io.pgcopydb.job.BatchContext;
import io.pgcopydb.progress.LogSetup;

/**
 * {@code pgcopydb stream cleanup}: drops the slot, publication(s) and origin of the
 * follow of --dir (those it recorded, else the names --dir and the options derive), so
 * the source stops retaining WAL for it. Safe to run twice.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true, sortOptions = false,
		description = "Drop the replication slot, publication and replication origin of the follow of --dir.")
final class StreamCleanupCommand implements Callable<Integer> {

	@Mixin
	StreamOptions stream;

	@Override
	public Integer call() {
		LogSetup.init(this.stream.workDir.debug);
		PgEndpoint source = Endpoints.of(Side.SOURCE, this.stream.source);
		PgEndpoint target = Endpoints.of(Side.TARGET, this.stream.target);
		WorkDirectory work = this.stream.workDir.workDirectory().create();
		LogSetup.attachFile(work.logFile());
		try (ConfigurableApplicationContext context = BatchContext.start(work, StreamRecords.class)) {
			new StreamCleanup(context.getBean(StreamRecords.class)).cleanup(source, target, this.stream.names(), work)
				.forEach(System.out::println);
		}
		return ExitCode.SUCCESS.code();
	}

}
