package io.pgcopydb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgcopydb.error.BadConfigException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigFilesTest {

	private static final String NAME = "pgcopydb.repository.url";

	@TempDir
	Path config;

	@AfterEach
	void clear() {
		System.clearProperty(NAME);
		System.clearProperty("spring.config.additional-location");
	}

	@Test
	void readsThePropertyFromTheLaunchersConfigurationDirectory() throws IOException {
		Files.writeString(this.config.resolve("application.yml"),
				"pgcopydb:\n  copy:\n    buffer-size: 1MB\n  repository:\n    url: jdbc:postgresql://h/batch\n");
		System.setProperty("spring.config.additional-location", "optional:file:" + this.config + "/");

		assertThat(ConfigFiles.property(NAME)).isEqualTo("jdbc:postgresql://h/batch");
		assertThat(ConfigFiles.property("pgcopydb.copy.no-such-setting")).isNull();
	}

	@Test
	void aSystemPropertyWinsAndNoLocationMeansNoValue() throws IOException {
		assertThat(ConfigFiles.property(NAME)).isNull();
		Files.writeString(this.config.resolve("application.properties"), NAME + "=jdbc:postgresql://file/batch\n");
		System.setProperty("spring.config.additional-location", "optional:file:" + this.config + "/");
		assertThat(ConfigFiles.property(NAME)).isEqualTo("jdbc:postgresql://file/batch");
		System.setProperty(NAME, "jdbc:postgresql://property/batch");
		assertThat(ConfigFiles.property(NAME)).isEqualTo("jdbc:postgresql://property/batch");
	}

	@Test
	void aBrokenFileIsNamed() throws IOException {
		Path file = Files.writeString(this.config.resolve("application.yml"), "pgcopydb: [unclosed\n");
		System.setProperty("spring.config.additional-location", file.toString());

		assertThatThrownBy(() -> ConfigFiles.property(NAME)).isInstanceOf(BadConfigException.class)
			.hasMessageContaining(file.toString());
	}

}
