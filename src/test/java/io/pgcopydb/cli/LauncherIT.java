package io.pgcopydb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jobs/bin/pgcopydb}, the launcher schedulers run, on JDK 25: its first command
 * makes the ahead-of-time cache of the build in a training run of its own, later commands
 * use it, and a cache the JVM cannot use changes nothing the user sees (exit code,
 * stdout, stderr). The jar is a copy in a temporary directory, so the launcher's layouts
 * never touch target/.
 */
class LauncherIT {

	private static final Path LAUNCHER = Path.of("jobs", "bin", "pgcopydb");

	@Test
	void theFirstCommandMakesTheCacheAndNoCacheProblemReachesTheUser(@TempDir Path dir) throws Exception {
		Map<String, String> env = launcherWithItsOwnJar(dir);

		Result first = launch(env, "--version");
		assertThat(first.exit()).as(first.toString()).isZero();
		assertThat(first.stdout()).startsWith("pgcopydb ").contains("Java 2");
		assertThat(first.stderr()).as("a command's stderr holds its own messages only").isEmpty();
		List<Path> caches = files(dir, ".aot");
		assertThat(caches).as("the cache of this build and JDK").hasSize(1);
		assertThat(caches.get(0).getFileName().toString()).startsWith("start-up-");
		assertThat(files(dir, ".config")).as("the training's leftovers are removed").isEmpty();
		assertThat(Files.list(caches.get(0).getParent())
			.filter((file) -> file.getFileName().toString().startsWith(".training"))).isEmpty();

		// the JVM maps the cache: with AOTMode=on, one it could not use would end it
		Path empty = Files.createDirectory(dir.resolve("no-run"));
		Map<String, String> strict = new java.util.HashMap<>(env);
		strict.put("PGCOPYDB_JAVA_OPTS", "-Xmx1g -XX:AOTMode=on");
		Result list = launch(strict, "list", "progress", "--dir", empty.toString());
		assertThat(list.exit()).as(list.toString()).isEqualTo(3);
		assertThat(list.stderr().lines().toList()).as("the error is the first and only line")
			.hasSize(1)
			.first()
			.asString()
			.contains("no pgcopydb run is recorded in --dir");

		// a cache the JVM refuses (damaged, or made by another JDK build) is ignored
		Files.writeString(caches.get(0), "not a cache");
		Result damaged = launch(env, "--version");
		assertThat(damaged.exit()).as(damaged.toString()).isZero();
		assertThat(damaged.stdout()).isEqualTo(first.stdout());
		assertThat(damaged.stderr()).isEmpty();

		// a new build of the jar gets its own layout and cache, used at once
		Files.setLastModifiedTime(dir.resolve("pgcopydb.jar"), FileTime.from(Instant.now().plusSeconds(60)));
		Result rebuilt = launch(strict, "--version");
		assertThat(rebuilt.exit()).as(rebuilt.toString()).isZero();
		assertThat(rebuilt.stderr()).isEmpty();
		assertThat(files(dir, ".aot")).hasSize(2);
	}

	@Test
	void aSignalDuringTheTrainingEndsItAndTheCommand(@TempDir Path dir) throws Exception {
		Map<String, String> env = launcherWithItsOwnJar(dir);
		ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "--version")
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD);
		builder.environment().putAll(env);
		Process launcher = builder.start();
		ProcessHandle training = null;
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
		while (training == null && System.nanoTime() < deadline) {
			training = ProcessHandle.allProcesses()
				.filter((process) -> process.info().commandLine().orElse("").contains(dir.toString())
						&& process.info().commandLine().orElse("").contains("start-up-training"))
				.findFirst()
				.orElse(null);
			Thread.sleep(50);
		}
		assertThat(training).as("the training runs").isNotNull();

		launcher.destroy();

		assertThat(launcher.waitFor(20, TimeUnit.SECONDS)).as("the launcher ends at once").isTrue();
		assertThat(launcher.exitValue()).as("SIGTERM's exit code, not the command's").isEqualTo(143);
		ProcessHandle ended = training;
		deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (ended.isAlive() && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(ended.isAlive()).as("the training is ended with it").isFalse();
		assertThat(files(dir, ".failed")).as("a cancelled training is tried again, not given up").isEmpty();
		assertThat(files(dir, ".aot")).isEmpty();
	}

	/**
	 * The launcher's environment for a copy of the jar in {@code dir} (its layouts and
	 * caches go there) and the newest JDK 25; the test is skipped without one.
	 */
	private static Map<String, String> launcherWithItsOwnJar(Path dir) throws IOException {
		Path java = jdk25().orElse(null);
		Assumptions.assumeTrue(java != null, "no JDK 25 or later under /usr/lib/jvm: the AOT cache is JDK 25's");
		Path jar = dir.resolve("pgcopydb.jar");
		Files.copy(PgCopyDbRun.JAR, jar);
		return Map.of("PGCOPYDB_JAR", jar.toString(), "PGCOPYDB_JAVA", java.toString());
	}

	/** The newest JDK 25 or later under /usr/lib/jvm, as the launcher would pick. */
	private static Optional<Path> jdk25() throws IOException {
		Path jvms = Path.of("/usr/lib/jvm");
		if (!Files.isDirectory(jvms)) {
			return Optional.empty();
		}
		try (Stream<Path> homes = Files.list(jvms)) {
			return homes.filter((home) -> Files.isExecutable(home.resolve("bin/java")))
				.filter((home) -> feature(home) >= 25)
				.max((a, b) -> Integer.compare(feature(a), feature(b)))
				.map((home) -> home.resolve("bin/java"));
		}
	}

	private static int feature(Path home) {
		try {
			return Files.readAllLines(home.resolve("release"))
				.stream()
				.filter((line) -> line.startsWith("JAVA_VERSION=\""))
				.map((line) -> line.substring("JAVA_VERSION=\"".length()).split("[.\"]")[0])
				.mapToInt(Integer::parseInt)
				.findFirst()
				.orElse(0);
		}
		catch (IOException | NumberFormatException ex) {
			return 0;
		}
	}

	private static List<Path> files(Path dir, String suffix) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(suffix)).toList();
		}
	}

	private static Result launch(Map<String, String> environment, String... args) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(LAUNCHER.toString());
		command.addAll(List.of(args));
		Path out = Files.createTempFile("launcher-stdout", ".txt");
		Path err = Files.createTempFile("launcher-stderr", ".txt");
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
				.redirectError(err.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
			builder.environment().keySet().removeIf((name) -> name.startsWith("PG") || name.equals("JAVA_HOME"));
			builder.environment().putAll(environment);
			Process process = builder.start();
			assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the launcher ends").isTrue();
			return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
		}
		finally {
			Files.deleteIfExists(out);
			Files.deleteIfExists(err);
		}
	}

	private record Result(int exit, String stdout, String stderr) {
	}

}
