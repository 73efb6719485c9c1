package io.ringkeeper.operator.domain.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"30m,PT30M", "1h30m,PT1H30M", "45s,PT45S", "500ms,PT0.5S", "2d,PT48H", "1h0m5s,PT1H5S"})
  void parsesTheApiDurations(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "m", "30 minutes", "-5m", "1.5h", "5y"})
  void refusesAnythingElseWithTheExpectedForm(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("write e.g. 30m");
  }
}
