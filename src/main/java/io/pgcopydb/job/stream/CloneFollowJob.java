package io.pgcopydb.job.stream;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ApplicationContext;

import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.job.JobDefinition;
import io.pgcopydb.job.clone.CloneJob;
import io.pgcopydb.job.clone.CloneRequest;
import io.pgcopydb.job.clone.CloneStatus;
import io.pgcopydb.job.partition.PartitionKey;
import io.pgcopydb.progress.RunSummary;

/**
 * {@code clone --follow}: the clone job and the streaming job in one process, in this
 * order:
 * <ol>
 * <li>the streaming job starts on a thread of its own; its setup creates the publication,
 * then the slot with an exported snapshot, then the origin; receive starts right after,
 * so the source's WAL does not pile up during the clone;
 * <li>the clone runs here, reading the source through the slot's snapshot: no gap and no
 * overlap between the copy and the changes;
 * <li>once the clone is done its snapshot is released, and the sentinel's apply flag is
 * set: apply starts on the copied tables;
 * <li>the streaming job runs until endpos (or a stop).
 * </ol>
 * A clone that did not complete halts the follow. A resume whose clone still had to read
 * the source (or never started) while the follow's slot is set up is refused: the slot's
 * snapshot ended with the killed process, and tables copied under another snapshot while
 * applying from the slot's start would double or lose rows; {@code --restart} starts
 * over.
 */
public final class CloneFollowJob implements JobDefinition<CloneFollowRequest> {

	public static final CloneFollowJob DEFINITION = new CloneFollowJob();

	/**
	 * How long setup may take: creating a slot waits for the source's open transactions.
	 */
	private static final Duration SETUP_WAIT = Duration.ofHours(1);

	private static final Logger logger = LoggerFactory.getLogger(CloneFollowJob.class);

	private CloneFollowJob() {
	}

	@Override
	public Class<?> configuration() {
		return CloneFollowContext.class;
	}

	@Override
	public JobExecution run(ApplicationContext context, CloneFollowRequest request) throws Exception {
		CloneStatus clone = CloneStatus.of(context);
		CloneRequest.Mode mode = request.copy().mode();
		boolean cloneToRun = mode == CloneRequest.Mode.RESTART || !clone.completed();
		if (mode == CloneRequest.Mode.FRESH && clone.unfinished()) {
			throw new BadStateException("an unfinished clone --follow is recorded in --dir "
					+ request.workDirectory().root() + ": use --resume to finish it, or --restart to start over");
		}
		// the slot's snapshot ended with the process that created it: a clone that still
		// has to read the source (or never started: killed right after the follow's
		// setup, before the clone was recorded) would copy under another snapshot while
		// apply replays from the slot's start. Without a recorded slot, the resume sets
		// a new one up and the clone reads its snapshot.
		if (mode == CloneRequest.Mode.RESUME && snapshotLost(context, clone)) {
			throw new BadStateException("cannot resume clone --follow: "
					+ ((clone.status() == null) ? "the follow's slot was set up but the clone never started"
							: "the clone was interrupted before it finished reading the source")
					+ ", and the slot's snapshot ended with its process; tables copied under another snapshot"
					+ " would not match the slot's start: start over with " + restartCommand(request));
		}
		FollowState state = context.getBean(FollowState.class);
		FollowRuns follows = context.getBean(FollowRuns.class);
		AtomicReference<JobExecution> followed = new AtomicReference<>();
		AtomicReference<Exception> followFailure = new AtomicReference<>();
		FollowRequest followRequest = request.follow().withMode(switch (mode) {
			case FRESH -> FollowRequest.Mode.FRESH;
			case RESUME -> FollowRequest.Mode.RESUME;
			case RESTART -> FollowRequest.Mode.RESTART;
		});
		Thread follow = new Thread(() -> {
			try {
				followed.set(follows.run(followRequest));
			}
			catch (Exception ex) {
				followFailure.set(ex);
			}
			finally {
				state.halt("the follow ended");
			}
		}, "follow");
		follow.start();
		JobExecution cloneExecution = null;
		try {
			if (cloneToRun) {
				cloneExecution = runClone(context, request, state);
			}
			else {
				context.getBean(SentinelStore.class).setApply(true);
			}
		}
		finally {
			state.releaseSnapshot();
			if (cloneExecution != null && cloneExecution.getStatus() != BatchStatus.COMPLETED) {
				state.halt("the clone did not complete (" + cloneExecution.getStatus() + ")");
			}
			else if (cloneExecution == null && cloneToRun) {
				state.halt("the clone could not run");
			}
			follow.join();
		}
		if (cloneExecution != null) {
			System.out.print(RunSummary.render(cloneExecution, CloneFollowJob::cloneManagerOf));
			if (cloneExecution.getStatus() != BatchStatus.COMPLETED) {
				return cloneExecution;
			}
		}
		if (followFailure.get() != null) {
			throw followFailure.get();
		}
		return followed.get();
	}

	/**
	 * Waits for the slot and its snapshot, then runs the clone in it; the apply flag is
	 * set once the clone completed. A resume reads no snapshot (nothing of the source is
	 * left to read).
	 */
	private static JobExecution runClone(ApplicationContext context, CloneFollowRequest request, FollowState state)
			throws Exception {
		String snapshot = state.awaitSnapshot(SETUP_WAIT);
		CloneRequest clone = request.copy();
		if (snapshot != null) {
			logger.info("The clone reads the source in snapshot {}, exported with the slot", snapshot);
			clone = clone.withSnapshot(snapshot);
		}
		JobExecution execution = CloneJob.DEFINITION.run(context, clone);
		state.releaseSnapshot();
		if (execution.getStatus() == BatchStatus.COMPLETED) {
			context.getBean(SentinelStore.class).setApply(true);
			logger.info("The clone completed: apply starts");
		}
		return execution;
	}

	private static Optional<String> cloneManagerOf(String stepName) {
		if (!PartitionKey.isPartition(stepName)) {
			return Optional.empty();
		}
		String worker = PartitionKey.workerOf(stepName);
		return Optional.of(CloneJob.DEFINITION.partitionManagers().getOrDefault(worker, worker));
	}

	private static String restartCommand(CloneFollowRequest request) {
		return "pgcopydb clone --follow --restart --drop-if-exists --dir " + request.workDirectory().root();
	}

	@Override
	public String resumeCommand(CloneFollowRequest request) {
		return "pgcopydb clone --follow --resume --dir " + request.workDirectory().root();
	}

	/**
	 * Never --not-consistent: once the clone's snapshot is gone, only --restart gives a
	 * target consistent with the slot.
	 */
	@Override
	public String interruptedResume(CloneFollowRequest request) {
		return resumeCommand(request) + " (if the clone had not finished reading the source, the slot's snapshot"
				+ " ends with this process: then " + restartCommand(request) + ")";
	}

	@Override
	public String resumeCommand(ApplicationContext context, CloneFollowRequest request, JobExecution execution) {
		CloneStatus clone = CloneStatus.of(context);
		return snapshotLost(context, clone) ? restartCommand(request) : resumeCommand(request);
	}

	/**
	 * Whether the clone still needs the slot's snapshot, which a process that ended took
	 * with it.
	 */
	private static boolean snapshotLost(ApplicationContext context, CloneStatus clone) {
		return !clone.completed() && clone.sourceReadsLeft() && context.getBean(StreamSource.class).recorded() != null;
	}

	@Override
	public Map<String, String> partitionManagers() {
		return CloneJob.DEFINITION.partitionManagers();
	}

}
