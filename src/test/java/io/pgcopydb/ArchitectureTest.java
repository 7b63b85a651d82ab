package io.pgcopydb;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The dependency direction of README's "How it works", written as tests: the command
 * line, then the job layer (shared wiring, then the partition engine, then each job),
 * then the stages (schema, copy, snapshot, progress), then the foundations (catalog,
 * config, pg, signal, error). Nothing imports cli; no job knows another.
 */
class ArchitectureTest {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.pgcopydb");

	@Test
	void dependenciesPointFromTheCommandLineTowardsTheFoundations() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("Root")
			.definedBy("io.pgcopydb")
			.layer("Cli")
			.definedBy("io.pgcopydb.cli..")
			.layer("Jobs")
			.definedBy("io.pgcopydb.job.clone..", "io.pgcopydb.job.stream..")
			.layer("JobWiring")
			.definedBy("io.pgcopydb.job")
			.layer("Partitions")
			.definedBy("io.pgcopydb.job.partition..", "io.pgcopydb.job.remote..")
			.layer("Stages")
			.definedBy("io.pgcopydb.schema..", "io.pgcopydb.copy..", "io.pgcopydb.snapshot..", "io.pgcopydb.progress..",
					"io.pgcopydb.database..", "io.pgcopydb.cdc..")
			.layer("Foundations")
			.definedBy("io.pgcopydb.catalog..", "io.pgcopydb.config..", "io.pgcopydb.pg..", "io.pgcopydb.signal..",
					"io.pgcopydb.error..", "io.pgcopydb.filter..")
			.whereLayer("Cli")
			.mayOnlyBeAccessedByLayers("Root")
			.whereLayer("Jobs")
			.mayOnlyBeAccessedByLayers("Cli")
			.whereLayer("JobWiring")
			.mayOnlyBeAccessedByLayers("Cli", "Jobs")
			.whereLayer("Partitions")
			.mayOnlyBeAccessedByLayers("Cli", "Jobs", "JobWiring")
			.whereLayer("Stages")
			.mayOnlyBeAccessedByLayers("Cli", "Jobs", "JobWiring", "Partitions")
			.check(CLASSES);
	}

	@Test
	void nothingImportsTheCommandLine() {
		noClasses().that()
			.resideOutsideOfPackages("io.pgcopydb", "io.pgcopydb.cli..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.pgcopydb.cli..")
			.check(CLASSES);
	}

	@Test
	void theSharedJobWiringKnowsNoJob() {
		noClasses().that()
			.resideInAnyPackage("io.pgcopydb.job", "io.pgcopydb.job.partition..", "io.pgcopydb.job.remote..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.pgcopydb.job.clone..")
			.check(CLASSES);
	}

	@Test
	void stagesAndFoundationsAreFreeOfCycles() {
		slices().matching("io.pgcopydb.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void stagesDoNotDependOnEachOther() {
		String[] stages = { "io.pgcopydb.schema..", "io.pgcopydb.copy..", "io.pgcopydb.snapshot..",
				"io.pgcopydb.progress.." };
		for (String stage : stages) {
			String[] others = java.util.Arrays.stream(stages)
				.filter((other) -> !other.equals(stage))
				.toArray(String[]::new);
			noClasses().that()
				.resideInAPackage(stage)
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(others)
				.check(CLASSES);
		}
	}

	@Test
	void errorsDependOnNothingElseOfOurs() {
		noClasses().that()
			.resideInAPackage("io.pgcopydb.error..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.pgcopydb.cli..", "io.pgcopydb.job..", "io.pgcopydb.schema..", "io.pgcopydb.copy..",
					"io.pgcopydb.snapshot..", "io.pgcopydb.catalog..", "io.pgcopydb.config..", "io.pgcopydb.pg..",
					"io.pgcopydb.signal..", "io.pgcopydb.progress..")
			.check(CLASSES);
	}

}
