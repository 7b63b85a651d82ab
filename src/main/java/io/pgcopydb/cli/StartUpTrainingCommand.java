package io.pgcopydb.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import io.pgcopydb.config.WorkDirectory;
import io.pgcopydb.job.BatchContext;

/**
 * {@code pgcopydb start-up-training}, hidden: the workload the launcher runs once per
 * build of the jar, on JDK 25 or later, under {@code -XX:AOTCacheOutput}, so that the
 * JVM's ahead-of-time cache holds the classes (loaded and linked) and method profiles of
 * a command's start: the command line of every command, the Spring context and the
 * embedded JobRepository (created in a temporary directory, then read as {@code list
 * progress} and {@code job list} read it), and a connection attempt through the
 * PostgreSQL driver. It needs no database: the connection goes to a closed port of the
 * loopback and is refused. What it leaves out (the copy itself) the JIT compiles as
 * before.
 */
@Command(name = "start-up-training", hidden = true)
final class StartUpTrainingCommand implements Callable<Integer> {

	private static final String MAKE_REPOSITORY = "(make the repository)";

	@Override
	public Integer call() throws IOException {
		Path dir = Files.createTempDirectory("pgcopydb-training");
		PrintStream out = System.out;
		PrintStream err = System.err;
		PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
		try {
			System.setOut(discard);
			System.setErr(discard);
			for (List<String> args : workload(dir)) {
				if (args.get(0).equals(MAKE_REPOSITORY)) {
					makeRepository(Path.of(args.get(1)));
				}
				else {
					PgCopyDbCommand.execute(args.toArray(String[]::new));
				}
			}
		}
		finally {
			System.setOut(out);
			System.setErr(err);
			delete(dir);
		}
		return 0;
	}

	private static List<List<String>> workload(Path dir) {
		String runDir = dir.resolve("run").toString();
		String closed = "postgresql://training@127.0.0.1:1/training?connect_timeout=2";
		List<List<String>> workload = new ArrayList<>();
		workload.add(List.of("--version"));
		workload.add(List.of("--help"));
		for (CommandLine command : new CommandLine(new PgCopyDbCommand()).getSubcommands().values()) {
			workload.add(List.of(command.getCommandName(), "--help"));
			for (String sub : command.getSubcommands().keySet()) {
				workload.add(List.of(command.getCommandName(), sub, "--help"));
			}
		}
		workload.add(List.of("ping", "--source", closed, "--target", closed, "--timeout", "0"));
		workload.add(List.of("list", "progress", "--dir", runDir));
		workload.add(List.of(MAKE_REPOSITORY, runDir));
		workload.add(List.of("list", "progress", "--dir", runDir));
		workload.add(List.of("list", "progress", "--json", "--dir", runDir));
		workload.add(List.of("job", "list", "--dir", runDir));
		workload.add(List.of("job", "list", "--json", "--dir", runDir));
		workload.add(List.of("job", "show", "1", "--dir", runDir));
		workload.add(List.of("clone", "--source", closed, "--target", closed, "--dir", runDir));
		return workload;
	}

	/** An empty JobRepository in {@code dir}, as a run's first step makes it. */
	private static void makeRepository(Path dir) {
		WorkDirectory run = new WorkDirectory(dir).create();
		try (ConfigurableApplicationContext context = BatchContext.start(run)) {
			context.getBean(javax.sql.DataSource.class);
		}
	}

	private static void delete(Path dir) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
	}

}
