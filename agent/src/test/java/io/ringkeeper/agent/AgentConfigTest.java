package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigTest {

  @Test
  void readsThePodWiringArgument() {
    AgentConfig config = AgentConfig.parse("address=10.0.0.5,port=8778,tokenFile=/etc/ringkeeper/agent/token");
    assertThat(config.address()).isEqualTo("10.0.0.5");
    assertThat(config.port()).isEqualTo(8778);
    assertThat(config.tokenFile()).isEqualTo(Paths.get("/etc/ringkeeper/agent/token"));
    assertThat(config.maxBodyBytes()).isEqualTo(AgentConfig.DEFAULT_MAX_BODY_BYTES);
    assertThat(config.threads()).isEqualTo(AgentConfig.DEFAULT_THREADS);
  }

  @Test
  void defaultsToLoopbackAndTheStandardPort() {
    AgentConfig config = AgentConfig.parse("tokenFile=/t");
    assertThat(config.address()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8778);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "address=10.0.0.5                              | 'tokenFile' is required",
      "tokenFile=/t,port=http                        | 'port=http' is not a whole number",
      "tokenFile=/t,port=70000                       | out of range 1..65535",
      "tokenFile=/t,prot=8778                        | unknown agent argument 'prot'",
      "tokenFile=/t,tokenFile=/u                     | 'tokenFile' is given twice",
      "tokenFile=/t,verbose                          | 'verbose' is not key=value",
      "tokenFile=/t,address=                         | 'address' is empty",
      "tokenFile=/t,maxBodyBytes=0                   | out of range 1..1048576",
  })
  void refusesBadArgumentsNamingTheKey(String args, String message) {
    assertThatThrownBy(() -> AgentConfig.parse(args)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
