package io.pgcopydb.job.clone;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** Reading ids and partition keys out of a running step. */
final class Executions {

	/** Partition context key: the OID of the table or index the partition works on. */
	static final String OID = "oid";

	private Executions() {
	}

	static StepExecution step(ChunkContext context) {
		return context.getStepContext().getStepExecution();
	}

	static long instanceId(ChunkContext context) {
		return step(context).getJobExecution().getJobInstance().getId();
	}

	static long partitionOid(ChunkContext context) {
		return step(context).getExecutionContext().getLong(OID);
	}

	static ExecutionContext jobContext(ChunkContext context) {
		return step(context).getJobExecution().getExecutionContext();
	}

}
