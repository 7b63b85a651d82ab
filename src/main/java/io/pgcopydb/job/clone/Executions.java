package io.pgcopydb.job.clone;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.pgcopydb.job.partition.PartitionKey;

/** Reading ids and partition keys out of a running step. */
final class Executions {

	private Executions() {
	}

	static StepExecution step(ChunkContext context) {
		return context.getStepContext().getStepExecution();
	}

	static long instanceId(ChunkContext context) {
		return step(context).getJobExecution().getJobInstance().getId();
	}

	/** The OID of the table or index a partition works on, from its step name. */
	static long partitionOid(ChunkContext context) {
		return PartitionKey.parse(step(context).getStepName()).objectOid();
	}

	static ExecutionContext jobContext(ChunkContext context) {
		return step(context).getJobExecution().getExecutionContext();
	}

}
