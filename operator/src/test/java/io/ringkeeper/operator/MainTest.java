package io.ringkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringkeeper.operator.config.OperatorConfig;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  private static OperatorConfig parse(String... args) {
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.parseArgs(args);
    return main.config();
  }

  @Test
  void defaultsSuitAClusterWideOperatorWithLeaderElection() {
    OperatorConfig config = parse();
    assertThat(config.namespaces()).isEmpty();
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.agentPort()).isEqualTo(8778);
    assertThat(config.logFormat()).isEqualTo(OperatorConfig.LogFormat.text);
  }

  @Test
  void everyOptionReachesTheConfig() {
    OperatorConfig config = parse("--namespaces=db,analytics", "--http-port=9090", "--log-format=JSON",
        "--no-leader-election", "--poll-interval=30s", "--agent-timeout=1s500ms", "--poll-concurrency=4",
        "--agent-port=9000", "--operator-image=registry/op:1", "--reconcile-threads=2", "--resync-interval=1h");
    assertThat(config.namespaces()).isEqualTo(Set.of("db", "analytics"));
    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.logFormat()).isEqualTo(OperatorConfig.LogFormat.json);
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.agentTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.pollConcurrency()).isEqualTo(4);
    assertThat(config.agentPort()).isEqualTo(9000);
    assertThat(config.operatorImage()).isEqualTo("registry/op:1");
    assertThat(config.reconcileThreads()).isEqualTo(2);
    assertThat(config.resyncInterval()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aBadDurationNamesTheOptionAndTheForm() {
    assertThatThrownBy(() -> parse("--poll-interval=10 seconds"))
        .hasMessage("--poll-interval: '10 seconds' is not a duration; write e.g. 30m, 1h30m, 45s or 500ms");
  }

  @Test
  void aBadNumberNamesTheOption() {
    assertThatThrownBy(() -> parse("--agent-port=0")).hasMessageContaining("--agent-port must be 1..65535");
  }
}
