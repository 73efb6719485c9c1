package io.ringkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both log formats' configurations load without errors (a broken one only shows when the operator starts). */
class LoggingConfigTest {
  @ParameterizedTest
  @ValueSource(strings = {"logback.xml", "logback-json.xml"})
  void theConfigurationLoadsWithoutErrors(String resource) throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getClassLoader().getResource(resource));
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .filteredOn(s -> s.getLevel() >= Status.WARN)
        .extracting(Status::getMessage)
        .isEmpty();
    context.stop();
  }
}
