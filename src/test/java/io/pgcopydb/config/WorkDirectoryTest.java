package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.List;

import io.pgcopydb.error.ExitCode;
import io.pgcopydb.error.ExitCodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The layout of --dir, as jobs/README.md documents it for operators. */
class WorkDirectoryTest {

	private final WorkDirectory dir = new WorkDirectory(Path.of("/var/lib/pgcopydb/run1"));

	@Test
	void filesAreWhereTheLayoutSays() {
		Path root = Path.of("/var/lib/pgcopydb/run1");
		assertThat(this.dir.repositoryFile()).isEqualTo(root.resolve("pgcopydb.db"));
		assertThat(this.dir.schemaDir()).isEqualTo(root.resolve("schema"));
		assertThat(this.dir.preDataArchive()).isEqualTo(root.resolve("schema/pre.dump"));
		assertThat(this.dir.postDataArchive()).isEqualTo(root.resolve("schema/post.dump"));
		assertThat(this.dir.preDataList()).isEqualTo(root.resolve("schema/pre.list"));
		assertThat(this.dir.postDataList()).isEqualTo(root.resolve("schema/post.list"));
		assertThat(this.dir.logsDir()).isEqualTo(root.resolve("logs"));
		assertThat(this.dir.logFile()).isEqualTo(root.resolve("logs/pgcopydb.log"));
		assertThat(this.dir.pgDumpLog()).isEqualTo(root.resolve("logs/pg_dump.log"));
		assertThat(this.dir.pgRestoreLog()).isEqualTo(root.resolve("logs/pg_restore.log"));
	}

	@Test
	void everyFileIsDistinctAndInsideTheRoot() {
		List<Path> files = List.of(this.dir.repositoryFile(), this.dir.preDataArchive(), this.dir.postDataArchive(),
				this.dir.preDataList(), this.dir.postDataList(), this.dir.logFile(), this.dir.pgDumpLog(),
				this.dir.pgRestoreLog());
		assertThat(files).doesNotHaveDuplicates().allSatisfy((file) -> assertThat(file).startsWithRaw(this.dir.root()));
	}

	@Test
	void relativeRootStaysRelative() {
		assertThat(new WorkDirectory(Path.of("work")).logFile()).isEqualTo(Path.of("work", "logs", "pgcopydb.log"));
	}

	@Test
	void createMakesTheSchemaAndLogsDirectoriesAndCanBeRepeated(@TempDir Path tmp) {
		WorkDirectory work = new WorkDirectory(tmp.resolve("a/b"));
		assertThat(work.create()).isEqualTo(work);
		assertThat(work.create()).isEqualTo(work);
		assertThat(work.schemaDir()).isDirectory();
		assertThat(work.logsDir()).isDirectory();
		assertThat(work.repositoryFile()).doesNotExist();
	}

	@Test
	void unusableDirectoryIsAConfigurationErrorNamingItAndTheOption(@TempDir Path tmp) throws IOException {
		Path file = Files.writeString(tmp.resolve("taken"), "not a directory");
		assertThatThrownBy(() -> new WorkDirectory(file).create())
			.satisfies((failure) -> assertThat(ExitCodes.of(failure)).isEqualTo(ExitCode.BAD_CONFIG))
			.hasMessageContaining(file.toString())
			.hasMessageContaining("--dir");
	}

	@Test
	void defaultRootIsAPgcopydbDirectoryUnderTheTemporaryDirectory() {
		String tmpdir = System.getenv("TMPDIR");
		Path expectedParent = Path.of((tmpdir == null || tmpdir.isBlank()) ? "/tmp" : tmpdir);
		assertThat(WorkDirectory.defaultRoot()).isEqualTo(expectedParent.resolve("pgcopydb"));
	}

	@Test
	void theDirectoryAndWhatTheRunWritesThereAreForTheOwnerOnly(@TempDir Path tmp) throws IOException {
		WorkDirectory work = new WorkDirectory(tmp.resolve("run")).create();
		Path list = work.write(work.preDataList(), "1; 0 0 TABLE public t app\n");

		for (Path dir : List.of(work.root(), work.schemaDir(), work.logsDir())) {
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as(dir.toString())
				.isEqualTo("rwx------");
		}
		for (Path file : List.of(list, work.logFile(), work.pgDumpLog(), work.pgRestoreLog())) {
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
				.isEqualTo("rw-------");
		}
	}

	@Test
	void aDirectoryOthersMayWriteToIsRefusedWithTheRemedy(@TempDir Path tmp) throws IOException {
		Path shared = Files.createDirectory(tmp.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

		assertThatThrownBy(() -> new WorkDirectory(shared).create())
			.satisfies((failure) -> assertThat(ExitCodes.of(failure)).isEqualTo(ExitCode.BAD_CONFIG))
			.hasMessageContaining("writable by other users")
			.hasMessageContaining("chmod go-w " + shared);
	}

	@Test
	void aDirectoryOfAnotherUserIsRefused(@TempDir Path tmp) throws IOException {
		Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
				"skipped: only root can give a directory to another user here");
		Path theirs = Files.createDirectory(tmp.resolve("theirs"));
		UserPrincipal nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
		Files.setOwner(theirs, nobody);

		assertThatThrownBy(() -> new WorkDirectory(theirs).create())
			.satisfies((failure) -> assertThat(ExitCodes.of(failure)).isEqualTo(ExitCode.BAD_CONFIG))
			.hasMessageContaining("belongs to nobody");
	}

}
