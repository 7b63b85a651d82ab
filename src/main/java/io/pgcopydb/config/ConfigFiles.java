package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import io.pgcopydb.error.BadConfigException;

/**
 * A Spring property needed before any Spring context starts (where the runs are kept
 * decides which context to build): a JVM system property, else the configuration files of
 * the locations given in {@code spring.config.location} and
 * {@code spring.config.additional-location} (the launcher's config/application.yml), a
 * later location, and a later document of a file, winning. Spring Boot's default
 * locations ({@code ./config/}, the working directory) are not read. The environment
 * variable form is the command's own default.
 */
public final class ConfigFiles {

	private static final List<String> NAMES = List.of("application.properties", "application.yml", "application.yaml");

	private ConfigFiles() {
	}

	/** The value of {@code name}, or null when no file sets it. */
	public static String property(String name) {
		String value = System.getProperty(name);
		if (value != null) {
			return value;
		}
		List<Path> files = new ArrayList<>();
		for (String setting : List.of("spring.config.location", "spring.config.additional-location")) {
			String locations = System.getProperty(setting);
			if (locations != null) {
				for (String location : locations.split(",")) {
					files.addAll(files(location.strip()));
				}
			}
		}
		String found = null;
		for (Path file : files) {
			Object fileValue = read(file, name);
			if (fileValue != null) {
				found = fileValue.toString();
			}
		}
		return found;
	}

	private static List<Path> files(String location) {
		String path = location.replaceFirst("^optional:", "").replaceFirst("^file:", "");
		if (path.isEmpty() || path.startsWith("classpath:")) {
			return List.of();
		}
		Path given = Path.of(path);
		if (path.endsWith("/") || Files.isDirectory(given)) {
			return NAMES.stream().map(given::resolve).filter(Files::isRegularFile).toList();
		}
		return Files.isRegularFile(given) ? List.of(given) : List.of();
	}

	private static Object read(Path file, String name) {
		PropertySourceLoader loader = file.toString().endsWith(".properties") ? new PropertiesPropertySourceLoader()
				: new YamlPropertySourceLoader();
		try {
			Object value = null;
			for (PropertySource<?> source : loader.load(file.toString(), new FileSystemResource(file))) {
				Object documentValue = source.getProperty(name);
				if (documentValue != null) {
					value = documentValue;
				}
			}
			return value;
		}
		catch (IOException | RuntimeException ex) {
			throw new BadConfigException(
					"cannot read " + file + " for " + name + ": " + ex.getMessage() + "; fix the file", ex);
		}
	}

}
