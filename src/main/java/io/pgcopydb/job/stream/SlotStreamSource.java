package io.pgcopydb.job.stream;

import org.springframework.jdbc.core.JdbcTemplate;

import io.pgcopydb.cdc.Lsn;
import io.pgcopydb.cdc.store.ChangeWriter;

/**
 * The source side of the streaming job on {@code cdc.receive}: setup, the recorded
 * stream, the receiver and cleanup.
 */
class SlotStreamSource implements StreamSource {

	private final JdbcTemplate repository;

	SlotStreamSource(JdbcTemplate repository) {
		this.repository = repository;
	}

	@Override
	public Created create(FollowRequest request) {
		throw new UnsupportedOperationException("issue 11: receive");
	}

	@Override
	public Recorded recorded() {
		throw new UnsupportedOperationException("issue 11: receive");
	}

	@Override
	public void verify(Recorded recorded, FollowRequest request) {
		throw new UnsupportedOperationException("issue 11: receive");
	}

	@Override
	public Lsn slotConfirmed(Recorded recorded, FollowRequest request) {
		throw new UnsupportedOperationException("issue 11: receive");
	}

	@Override
	public boolean receive(Recorded recorded, FollowRequest request, ChangeWriter writer, ReceiveControl control) {
		throw new UnsupportedOperationException("issue 11: receive");
	}

	@Override
	public void cleanup(Recorded recorded, FollowRequest request) {
		throw new UnsupportedOperationException("issue 11: receive");
	}

}
