package io.pgcopydb.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** How child tools are tied to this process's life. */
class ParentDeathSignalTest {

	@Test
	void argvIsRunThroughSetprivWhenItIsAvailable() {
		List<String> argv = List.of("/usr/bin/pg_dump", "--dbname=postgres://u@h/db", "--section=pre-data");

		assertThat(ParentDeathSignal.wrap(Optional.of(Path.of("/usr/bin/setpriv")), argv)).containsExactly(
				"/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/usr/bin/pg_dump", "--dbname=postgres://u@h/db",
				"--section=pre-data");
		assertThat(ParentDeathSignal.wrap(Optional.empty(), argv)).isEqualTo(argv);
	}

	@Test
	void withoutAWorkingSetprivOnThePathToolsRunAsTheyAre() {
		assertThat(ParentDeathSignal.find("/nonexistent:" + System.getProperty("java.io.tmpdir"))).isEmpty();
	}

	/**
	 * Why each child gets a thread of its own: the signal follows the thread that forked
	 * the child, so a child started from a thread that then ends is killed at once.
	 */
	@Test
	void theChildDiesWhenTheThreadThatStartedItEnds() throws Exception {
		Optional<Path> setpriv = ParentDeathSignal.find(System.getenv("PATH"));
		assumeThat(setpriv).as("setpriv with --pdeathsig on this machine").isPresent();
		AtomicReference<Process> child = new AtomicReference<>();
		Thread starter = new Thread(() -> {
			try {
				child.set(new ProcessBuilder(ParentDeathSignal.wrap(setpriv, List.of("sleep", "60"))).start());
				// setpriv sets the signal, then becomes sleep: end the thread only after
				// that, or the signal would follow the thread's successor
				await().atMost(Duration.ofSeconds(30))
					.until(() -> Files.readString(Path.of("/proc", Long.toString(child.get().pid()), "comm"))
						.strip()
						.equals("sleep"));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		starter.start();
		starter.join();

		await().atMost(Duration.ofSeconds(10)).until(() -> !child.get().isAlive());
		assertThat(child.get().exitValue()).isEqualTo(137);
	}

}
