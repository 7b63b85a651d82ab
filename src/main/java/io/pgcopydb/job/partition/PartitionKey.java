package io.pgcopydb.job.partition;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.pgcopydb.error.BadStateException;

/**
 * The identity of one partition of a partitioned step, and the one grammar of its step
 * name, which the JobRepository records and a restart matches on: a name, once recorded
 * by a run, must parse the same way in every later release.
 *
 * <pre>
 * copyTable:16384          the whole object 16384 (a table or index OID)
 * copyTable:16384.g2.s3    slice 3 of object 16384, in generation 2 of its slicing
 * copyTable:b7             bundle 7 of the plan (several small tables in one partition)
 * </pre>
 *
 * Names hold numbers only, never object names: Spring Batch's STEP_NAME column holds 100
 * characters, and an object may be renamed between two executions of a run. A slice
 * carries the generation of the slicing that made it, so that slices planned anew (other
 * bounds) never count as done for an earlier slicing's.
 *
 * @param worker the worker step's name ({@code copyTable}, {@code buildIndex}...)
 * @param oid the object's OID, 0 for a bundle
 * @param bundle the bundle's number (from 1), 0 for an object
 * @param generation the slicing generation (from 1), 0 for a whole object or a bundle
 * @param slice the slice number (from 1), 0 for a whole object or a bundle
 */
public record PartitionKey(String worker, long oid, int bundle, int generation, int slice) {

	/** Spring Batch joins a partitioned step's worker name and partition name with it. */
	public static final String SEPARATOR = ":";

	/**
	 * The STEP_NAME column's size in Spring Batch's schema: a worker name of at most 40
	 * characters and three 32-bit numbers always fit.
	 */
	static final int MAX_NAME_LENGTH = 100;

	private static final Pattern WORKER = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,39}");

	private static final Pattern UNIT = Pattern.compile(
			"(?:(?<oid>[1-9][0-9]*)(?:\\.g(?<generation>[1-9][0-9]*)\\.s(?<slice>[1-9][0-9]*))?|b(?<bundle>[1-9][0-9]*))");

	public PartitionKey {
		if (worker == null || !WORKER.matcher(worker).matches()) {
			throw new IllegalArgumentException("not a worker step name: " + worker);
		}
		if ((oid > 0) == (bundle > 0) || oid < 0 || bundle < 0) {
			throw new IllegalArgumentException(
					"a partition is one object or one bundle: oid " + oid + ", bundle " + bundle);
		}
		if ((generation > 0) != (slice > 0) || generation < 0 || slice < 0 || (bundle > 0 && slice > 0)) {
			throw new IllegalArgumentException(
					"a slice has a generation and belongs to an object: generation " + generation + ", slice " + slice);
		}
	}

	/** The whole object {@code oid}: a table to copy, an index to build. */
	public static PartitionKey object(String worker, long oid) {
		return new PartitionKey(worker, oid, 0, 0, 0);
	}

	/**
	 * Slice {@code slice} of object {@code oid}, planned by slicing {@code generation}.
	 */
	public static PartitionKey slice(String worker, long oid, int generation, int slice) {
		return new PartitionKey(worker, oid, 0, generation, slice);
	}

	/** Bundle {@code bundle} of the plan. */
	public static PartitionKey bundle(String worker, int bundle) {
		return new PartitionKey(worker, 0, bundle, 0, 0);
	}

	/**
	 * Reads a partition step name.
	 * @throws BadStateException naming the step when it is not a name this grammar writes
	 * (a run recorded by another version of pgcopydb)
	 */
	public static PartitionKey parse(String stepName) {
		int separator = stepName.indexOf(SEPARATOR);
		Matcher unit = UNIT.matcher((separator < 0) ? "" : stepName.substring(separator + 1));
		if (separator < 0 || !WORKER.matcher(stepName.substring(0, separator)).matches() || !unit.matches()) {
			throw new BadStateException("step " + stepName + " recorded in this run is not a partition this version"
					+ " of pgcopydb knows: finish the run with the version that started it, or start over with"
					+ " --restart");
		}
		String worker = stepName.substring(0, separator);
		if (unit.group("bundle") != null) {
			return bundle(worker, Integer.parseInt(unit.group("bundle")));
		}
		long oid = Long.parseLong(unit.group("oid"));
		if (unit.group("slice") == null) {
			return object(worker, oid);
		}
		return slice(worker, oid, Integer.parseInt(unit.group("generation")), Integer.parseInt(unit.group("slice")));
	}

	/** Whether {@code stepName} names a partition rather than a step of the job. */
	public static boolean isPartition(String stepName) {
		return stepName.contains(SEPARATOR);
	}

	/** The worker step of a partition step name: {@code copyTable} of copyTable:16384. */
	public static String workerOf(String stepName) {
		int separator = stepName.indexOf(SEPARATOR);
		return (separator < 0) ? stepName : stepName.substring(0, separator);
	}

	/**
	 * The part after the worker's name: the key of this partition in a
	 * {@code Partitioner}'s map, from which Spring Batch builds the step name.
	 */
	public String unit() {
		if (this.bundle > 0) {
			return "b" + this.bundle;
		}
		return (this.slice > 0) ? this.oid + ".g" + this.generation + ".s" + this.slice : Long.toString(this.oid);
	}

	/** The step name, as the JobRepository records it. */
	public String stepName() {
		return this.worker + SEPARATOR + unit();
	}

	/** The object's OID; fails for a bundle, which has none. */
	public long objectOid() {
		if (this.oid == 0) {
			throw new IllegalStateException(stepName() + " is a bundle, not one object");
		}
		return this.oid;
	}

	@Override
	public String toString() {
		return stepName();
	}

}
