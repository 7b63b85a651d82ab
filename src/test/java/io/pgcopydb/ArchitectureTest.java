package io.pgcopydb;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * STYLE.md's one-way dependencies: cli, then job, then the stages (schema, copy,
 * progress), then the foundations (catalog, config, pg, error). Nothing imports cli.
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
			.layer("Job")
			.definedBy("io.pgcopydb.job..")
			.layer("Stages")
			.definedBy("io.pgcopydb.schema..", "io.pgcopydb.copy..", "io.pgcopydb.progress..")
			.layer("Foundations")
			.definedBy("io.pgcopydb.catalog..", "io.pgcopydb.config..", "io.pgcopydb.pg..", "io.pgcopydb.error..")
			.whereLayer("Cli")
			.mayOnlyBeAccessedByLayers("Root")
			.whereLayer("Job")
			.mayOnlyBeAccessedByLayers("Cli")
			.whereLayer("Stages")
			.mayOnlyBeAccessedByLayers("Cli", "Job")
			.check(CLASSES);
	}

	@Test
	void errorsDependOnNothingElseOfOurs() {
		noClasses().that()
			.resideInAPackage("io.pgcopydb.error..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.pgcopydb.cli..", "io.pgcopydb.job..", "io.pgcopydb.schema..", "io.pgcopydb.copy..",
					"io.pgcopydb.catalog..", "io.pgcopydb.config..", "io.pgcopydb.pg..", "io.pgcopydb.progress..")
			.check(CLASSES);
	}

}
