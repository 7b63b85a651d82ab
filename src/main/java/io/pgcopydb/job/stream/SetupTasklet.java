package io.pgcopydb.job.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.receive.PublishedRoots;
import io.pgcopydb.cdc.receive.StreamRecord;
import io.pgcopydb.cdc.apply.ChangeApplier;
import io.pgcopydb.cdc.sentinel.SentinelStore;
import io.pgcopydb.cdc.store.ChangeStore;
import io.pgcopydb.error.BadStateException;

/**
 * Runs on every execution. A new follow: the slot (with its exported snapshot), the
 * publication and the origin are created, and the sentinel starts at the slot's
 * consistent point, or at {@code --startpos} (see {@link Startpos}: the origin is
 * advanced to it). A follow already set up (a resume, or {@code follow} after
 * {@code stream setup}): what is recorded is checked against the servers, the origin is
 * advanced to a startpos ahead of it, and the change files must cover the gap between the
 * target origin's position and the slot's confirmed position, because the server silently
 * restarts at the slot's position whatever we ask.
 */
class SetupTasklet implements Tasklet {

	private static final Logger logger = LoggerFactory.getLogger(SetupTasklet.class);

	private final FollowRequest request;

	private final StreamSource source;

	private final SentinelStore sentinel;

	private final ChangeStore store;

	private final FollowState state;

	SetupTasklet(FollowRequest request, StreamSource source, SentinelStore sentinel, ChangeStore store,
			FollowState state) {
		this.request = request;
		this.source = source;
		this.sentinel = sentinel;
		this.store = store;
		this.state = state;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		try {
			StreamRecord recorded = this.source.recorded();
			if (recorded == null) {
				StreamSource.Created created = this.source.create(this.request);
				recorded = created.recorded();
				// a new origin: what an earlier follow's apply sessions did means nothing
				this.request.workDirectory().removeSessionLog();
				Lsn startpos = this.request.startpos().isValid() ? this.request.startpos() : recorded.consistentPoint();
				this.sentinel.init(startpos, this.request.endpos());
				logger.info("Created slot {} at {} (snapshot {}), origin {}{}", recorded.slot(),
						recorded.consistentPoint(), recorded.snapshotName(), recorded.origin(),
						(recorded.publication() != null) ? ", publication " + recorded.publication() : "");
				PublishedRoots.checkTarget(this.request.source(), this.request.target(), recorded);
				Startpos.apply(this.request.target(), recorded, this.sentinel);
				this.state.setupDone(recorded, created.snapshotHolder());
			}
			else {
				this.source.verify(recorded, this.request);
				if (!this.sentinel.exists()) {
					// set up by stream setup, which records the slot only
					this.sentinel.init(
							this.request.startpos().isValid() ? this.request.startpos() : recorded.consistentPoint(),
							this.request.endpos());
				}
				else if (this.request.startpos().isValid()) {
					this.sentinel.setStartpos(this.request.startpos());
				}
				// follow into a target prepared elsewhere; clone --follow restores the
				// source's shape after this
				PublishedRoots.checkTarget(this.request.source(), this.request.target(), recorded);
				// before the coverage check: transactions up to startpos are not needed
				Startpos.apply(this.request.target(), recorded, this.sentinel);
				checkCoverage(recorded);
				this.state.setupDone(recorded, null);
			}
			if (this.request.endpos().isValid()) {
				this.sentinel.setEndpos(this.request.endpos());
			}
			if (this.request.applyAtOnce()) {
				this.sentinel.setApply(true);
			}
			return RepeatStatus.FINISHED;
		}
		catch (RuntimeException ex) {
			this.state.setupFailed(ex);
			throw ex;
		}
	}

	/**
	 * The slot restarts at its confirmed position S; the origin says everything up to O
	 * is applied. With S after O, the transactions ending in (O, S] are only in the
	 * change files: they must hold from O (no file removed past it) up to S (the last
	 * commit held, or the received-through position recorded before S was confirmed),
	 * else they would be lost without a word.
	 */
	private void checkCoverage(StreamRecord recorded) {
		Lsn confirmed = this.source.slotConfirmed(recorded, this.request);
		Lsn applied;
		try (ChangeApplier applier = new ChangeApplier(this.request.target(), recorded.origin())) {
			applied = applier.originPosition();
		}
		if (!confirmed.isAfter(applied)) {
			logger.info("Resuming: origin {} at {}, slot {} confirmed at {}", recorded.origin(), applied,
					recorded.slot(), confirmed);
			return;
		}
		ChangeStore.Held held = this.store.held();
		String gap = held.gap(applied, confirmed);
		if (gap != null) {
			throw new BadStateException("cannot resume the follow: target origin " + recorded.origin() + " is at "
					+ applied + " but slot " + recorded.slot() + " confirmed " + confirmed + " and in "
					+ this.store.dir() + " " + gap + ": the transactions between are lost; start over with --restart");
		}
		logger.info("Resuming: origin {} at {}, slot {} confirmed at {}, change files hold {} to {}", recorded.origin(),
				applied, recorded.slot(), confirmed, held.base(), held.through());
	}

}
