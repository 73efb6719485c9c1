package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
      "tokenFile=/t,tlsDir=                          | 'tlsDir' is empty; give the directory holding tls.crt",
      "tokenFile=/t,tlsDir=/no/such/dir              | 'tlsDir=/no/such/dir' is not a directory; mount the node's TLS",
      "tokenFile=/t,tlsReloadSeconds=5               | 'tlsReloadSeconds' needs 'tlsDir'",
  })
  void refusesBadArgumentsNamingTheKey(String args, String message) {
    assertThatThrownBy(() -> AgentConfig.parse(args)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  private static Path tlsDir(Path dir, String... files) throws java.io.IOException {
    for (String f : files) {
      java.nio.file.Files.writeString(dir.resolve(f), "x");
    }
    return dir;
  }

  @Test
  void readsTheTlsDirectoryAndItsPollInterval(@TempDir Path dir) throws Exception {
    tlsDir(dir, "tls.crt", "tls.key", "ca.crt");
    AgentConfig config = AgentConfig.parse("tokenFile=/t,tlsDir=" + dir + ",tlsReloadSeconds=3");
    assertThat(config.tlsDir()).isEqualTo(dir);
    assertThat(config.tlsReloadSeconds()).isEqualTo(3);
    assertThat(AgentConfig.parse("tokenFile=/t,tlsDir=" + dir).tlsReloadSeconds())
        .isEqualTo(AgentConfig.DEFAULT_TLS_RELOAD_SECONDS);
    assertThat(AgentConfig.parse("tokenFile=/t").tlsDir()).as("plain HTTP by default").isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ca.crt,tls.key   | tls.crt is missing",
      "tls.crt,ca.crt   | tls.key is missing",
      "tls.crt,tls.key  | ca.crt is missing",
  })
  void refusesATlsDirectoryWithoutOneOfItsFilesNamingIt(String present, String message, @TempDir Path dir)
      throws Exception {
    tlsDir(dir, present.split(","));
    assertThatThrownBy(() -> AgentConfig.parse("tokenFile=/t,tlsDir=" + dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'tlsDir=" + dir + "': " + message)
        .hasMessageContaining("tls.crt (certificate, then chain), tls.key (PKCS#8 PEM key) and ca.crt");
  }

  @Test
  void refusesATlsDirectoryThatIsAFileOrAPollIntervalOutOfRange(@TempDir Path dir) throws Exception {
    Path file = java.nio.file.Files.writeString(dir.resolve("tls.crt"), "x");
    assertThatThrownBy(() -> AgentConfig.parse("tokenFile=/t,tlsDir=" + file))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a directory");
    tlsDir(dir, "tls.key", "ca.crt");
    for (String bad : new String[] {"0", "3601", "ten"}) {
      assertThatThrownBy(() -> AgentConfig.parse("tokenFile=/t,tlsDir=" + dir + ",tlsReloadSeconds=" + bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'tlsReloadSeconds=" + bad + "'");
    }
  }
}
