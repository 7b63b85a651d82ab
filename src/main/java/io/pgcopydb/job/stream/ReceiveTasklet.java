package io.pgcopydb.job.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.StreamRecord;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.error.BadStateException;
import io.pgcopydb.signal.StopSignal;

/**
 * Streams from the slot into the change files, from the slot's confirmed position, until
 * the sentinel's endpos is durable in them. Starts at once, before the clone of
 * {@code clone --follow} is done, so that the source's WAL does not pile up. Ends
 * COMPLETED at endpos; STOPPED on a stop, or when apply failed; FAILED otherwise, and
 * then apply stops too.
 */
class ReceiveTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(ReceiveTasklet.class);

	private final FollowRequest request;

	private final StreamSource source;

	private final SentinelStore sentinel;

	private final ChangeStore store;

	private final FollowState state;

	private final FollowProgress progress;

	private final StopSignal stop;

	ReceiveTasklet(FollowRequest request, StreamSource source, SentinelStore sentinel, ChangeStore store,
			FollowState state, FollowProgress progress, StopSignal stop) {
		this.request = request;
		this.source = source;
		this.sentinel = sentinel;
		this.store = store;
		this.state = state;
		this.progress = progress;
		this.stop = stop;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
		StreamRecord recorded = this.state.recorded();
		if (recorded == null) {
			recorded = this.source.recorded();
		}
		if (recorded == null) {
			throw new BadStateException("no slot is recorded in --dir " + this.request.workDirectory().root()
					+ ": run pgcopydb stream setup first, or follow with --create-slot");
		}
		SentinelWatch watch = new SentinelWatch(this.sentinel);
		StreamSource.ReceiveControl control = new StreamSource.ReceiveControl() {

			@Override
			public Lsn endpos() {
				return watch.endpos();
			}

			@Override
			public boolean stopRequested() {
				return ReceiveTasklet.this.stop.requested() || ReceiveTasklet.this.state.halted() != null;
			}

			@Override
			public Lsn applied() {
				return watch.current().replayLsn();
			}

			@Override
			public void received(Lsn write, Lsn flush) {
				ReceiveTasklet.this.sentinel.reportReceived(write, flush);
				ReceiveTasklet.this.progress.received(flush);
			}

		};
		boolean reached;
		try {
			reached = this.source.receive(recorded, this.request, this.store, control);
		}
		catch (Exception ex) {
			if (!control.stopRequested()) {
				this.state.halt("receive failed: " + ex.getMessage());
			}
			throw ex;
		}
		if (!reached) {
			throw new JobInterruptedException("receive stopped: " + stopReason(), BatchStatus.STOPPED);
		}
		logger.info("Received through endpos {}", watch.endpos());
		return RepeatStatus.FINISHED;
	}

	private String stopReason() {
		return (this.stop.reason() != null) ? this.stop.reason() : this.state.halted();
	}

}
