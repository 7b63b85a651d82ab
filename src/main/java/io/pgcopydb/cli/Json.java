package io.pgcopydb.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import io.pgcopydb.error.BadConfigException;
import io.pgcopydb.job.Runs;
import io.pgcopydb.progress.Durations;

/** The shapes of the machine-readable output (--json) and of its text counterparts. */
final class Json {

	private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private Json() {
	}

	/**
	 * Reads a requirements file ({@code list extensions --requirements}): a JSON array of
	 * {"name": ..., "version": ...}, into name to version.
	 * @throws BadConfigException naming the file and what is wrong
	 */
	static Map<String, String> readRequirements(Path file) {
		try {
			JsonNode root = MAPPER.readTree(file.toFile());
			Map<String, String> versions = new LinkedHashMap<>();
			if (!root.isArray()) {
				throw new BadConfigException("--requirements " + file
						+ ": expected a JSON array of {\"name\": ..., \"version\": ...}, as pgcopydb list extensions"
						+ " --requirements prints");
			}
			for (JsonNode entry : root) {
				JsonNode name = entry.get("name");
				JsonNode version = entry.get("version");
				if (name == null || version == null || !name.isString() || !version.isString()) {
					throw new BadConfigException("--requirements " + file + ": entry " + entry
							+ " needs a \"name\" and a \"version\" string");
				}
				versions.put(name.asString(), version.asString());
			}
			return versions;
		}
		catch (JacksonException ex) {
			throw new BadConfigException("--requirements " + file + " is not valid JSON: "
					+ ex.getOriginalMessage().lines().findFirst().orElse(""));
		}
	}

	static void print(Object value) {
		System.out.println(MAPPER.writeValueAsString(value));
	}

	static Map<String, Object> run(Runs.Run run) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", run.executionId());
		json.put("job", run.job());
		json.put("status", run.status());
		json.put("exitCode", run.exitCode());
		json.put("start", text(run.start()));
		json.put("end", text(run.end()));
		json.put("consistent", run.consistent());
		if (!run.consistent()) {
			json.put("notConsistent", run.notConsistent());
		}
		return json;
	}

	static Map<String, Object> step(Runs.StepRun step) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("name", step.name());
		json.put("status", step.status());
		json.put("start", text(step.start()));
		json.put("end", text(step.end()));
		json.put("count", step.count());
		return json;
	}

	static void printSteps(List<Runs.StepRun> steps) {
		System.out.printf("%-18s %-10s %10s %12s%n", "Step", "Status", "Duration", "Count");
		for (Runs.StepRun step : steps) {
			Duration duration = (step.start() == null) ? Duration.ZERO
					: Duration.between(step.start(), (step.end() != null) ? step.end() : LocalDateTime.now());
			System.out.printf("%-18s %-10s %10s %12s%n", step.name(), step.status(), Durations.format(duration),
					(step.count() == 0) ? "" : step.count());
		}
	}

	static String text(LocalDateTime time) {
		return (time == null) ? "" : time.withNano(0).toString().replace('T', ' ');
	}

}
