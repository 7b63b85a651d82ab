package io.pgcopydb.job.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.copy.CopyException;
import io.pgcopydb.copy.CopyResult;
import io.pgcopydb.copy.LargeObjectCopier;
import io.pgcopydb.progress.RunSummary;

/**
 * Copies the contents of every large object (unless --skip-large-objects), in
 * --large-objects-jobs parts at once (by OID), each part over its own source session in
 * the run's snapshot and its own target session. Idempotent: every object is rewritten
 * whole, so a failed part makes the step fail and its retry or resume rewrites them all.
 */
class LargeObjectsTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(LargeObjectsTasklet.class);

	private final CloneRequest request;

	private final Sessions sessions;

	private final LargeObjectCopier copier;

	LargeObjectsTasklet(CloneRequest request, Sessions sessions, LargeObjectCopier copier) {
		this.request = request;
		this.sessions = sessions;
		this.copier = copier;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws InterruptedException {
		if (this.request.skipLargeObjects()) {
			logger.info("Skipping large objects (--skip-large-objects)");
			return RepeatStatus.FINISHED;
		}
		long count = Executions.jobContext(chunkContext).getLong(CatalogTasklet.LARGE_OBJECTS_KEY, 1);
		if (count == 0) {
			return RepeatStatus.FINISHED;
		}
		int parts = (int) Math.max(1, Math.min(this.request.largeObjectsJobs(), count));
		List<Future<CopyResult>> copies = new ArrayList<>();
		AtomicBoolean failed = new AtomicBoolean();
		AtomicInteger threads = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(parts,
				(runnable) -> new Thread(runnable, "large-objects-" + threads.incrementAndGet()));
		try {
			for (int part = 0; part < parts; part++) {
				int index = part;
				copies.add(executor.submit(() -> {
					try {
						return copyPart(index, parts, failed::get);
					}
					catch (RuntimeException ex) {
						// the other parts stop before their next object
						failed.set(true);
						throw ex;
					}
				}));
			}
			long objects = 0;
			long bytes = 0;
			RuntimeException failure = null;
			for (Future<CopyResult> copy : copies) {
				try {
					CopyResult result = copy.get();
					objects += result.rows();
					bytes += result.bytes();
				}
				catch (ExecutionException ex) {
					if (ex.getCause() instanceof CancellationException) {
						// abandoned because another part failed: that failure is the one
						continue;
					}
					RuntimeException cause = (ex.getCause() instanceof RuntimeException runtime) ? runtime
							: new IllegalStateException(ex.getCause());
					if (failure == null) {
						failure = cause;
					}
					else {
						failure.addSuppressed(cause);
					}
				}
			}
			if (failure != null) {
				throw failure;
			}
			contribution.incrementWriteCount(objects);
			Executions.step(chunkContext).getExecutionContext().putLong(RunSummary.BYTES_KEY, bytes);
			logger.info("Copied {} large objects ({} kB) in {} parallel part{}", objects, bytes >> 10, parts,
					(parts == 1) ? "" : "s");
			return RepeatStatus.FINISHED;
		}
		finally {
			executor.shutdownNow();
		}
	}

	private CopyResult copyPart(int part, int parts, BooleanSupplier abandoned) {
		String work = (parts == 1) ? "large objects" : "large objects, part " + (part + 1) + "/" + parts;
		try (Connection source = this.sessions.source(work); Connection target = this.sessions.target(work)) {
			return this.copier.copy(source, target, part, parts, abandoned);
		}
		catch (CopyException ex) {
			throw this.request.endpoint(ex.side()).failure("copying large objects", ex.getCause());
		}
		catch (SQLException ex) {
			// closing a session: given back to its pool, or closed for good
			throw this.request.target().failure("copying large objects", ex);
		}
	}

}
