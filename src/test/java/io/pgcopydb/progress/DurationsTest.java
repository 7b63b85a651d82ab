package io.pgcopydb.progress;

import java.time.Duration;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Durations and sizes as an operator reads them in logs and the summary table. */
class DurationsTest {

	@ParameterizedTest(name = "{0} ms is {1}")
	@CsvSource(textBlock = """
			0,         0ms
			850,       850ms
			999,       999ms
			1000,      1.0s
			12345,     12.3s
			60000,     1m00s
			245000,    4m05s
			3599999,   59m59s
			3600000,   1h00m
			7380000,   2h03m
			90061000,  25h01m
			""")
	void formatPicksTheUnitAnOperatorReads(long millis, String expected) {
		assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} bytes is {1}")
	@CsvSource(textBlock = """
			0,              0 B
			1023,           1023 B
			1024,           1.0 kB
			1572864,        1.5 MB
			1073741824,     1.0 GB
			1099511627776,  1.0 TB
			1125899906842624, 1024.0 TB
			""")
	void bytesArePrintedInBinaryUnits(long bytes, String expected) {
		assertThat(RunSummary.humanBytes(bytes)).isEqualTo(expected);
	}

	@Test
	void formatDoesNotDependOnTheDefaultLocale() {
		Locale saved = Locale.getDefault();
		try {
			Locale.setDefault(Locale.GERMANY);
			assertThat(Durations.format(Duration.ofMillis(12_345))).isEqualTo("12.3s");
			assertThat(RunSummary.humanBytes(1_572_864)).isEqualTo("1.5 MB");
		}
		finally {
			Locale.setDefault(saved);
		}
	}

}
