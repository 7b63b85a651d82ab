-- Indexes Spring Batch's own schema does not create, for the lookups a run of tens of
-- thousands of partitions makes once per partition: a restart's (and a partition
-- split's) last execution of a step by job instance and step name, a job execution's
-- step executions, a job instance's executions. Without them each lookup reads every
-- step execution of the repository, and a run of 10,000 tables spends its time there.
-- Portable DDL: the same file runs on the embedded SQLite repository and on PostgreSQL.
CREATE INDEX IF NOT EXISTS PGCOPYDB_STEP_EXECUTION_NAME ON BATCH_STEP_EXECUTION (STEP_NAME, JOB_EXECUTION_ID);
CREATE INDEX IF NOT EXISTS PGCOPYDB_STEP_EXECUTION_JOB ON BATCH_STEP_EXECUTION (JOB_EXECUTION_ID);
CREATE INDEX IF NOT EXISTS PGCOPYDB_JOB_EXECUTION_INSTANCE ON BATCH_JOB_EXECUTION (JOB_INSTANCE_ID);
