package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pair of the TLS directory, read with the JDK only: each malformed file is named, with the fix. */
class TlsMaterialTest {
  @TempDir Path dir;

  private TestCerts.Issued ca;
  private TestCerts.Issued node;

  private void write(boolean ec) throws Exception {
    ca = TestCerts.ca("test-ca");
    node = TestCerts.node(ca, "n0", List.of("n0"), ec, Duration.ofDays(1));
    TestCerts.writeDir(dir, ca, node);
  }

  @Test
  void readsAnEcAndAnRsaPairWithTheChainInOrder() throws Exception {
    write(true);
    TlsMaterial ec = TlsMaterial.load(dir);
    assertThat(ec.key.getAlgorithm()).isEqualTo("EC");
    assertThat(ec.chain).containsExactly(node.certificate, ca.certificate);
    assertThat(ec.hash).isEqualTo(TlsMaterial.currentHash(dir));
    write(false);
    TlsMaterial rsa = TlsMaterial.load(dir);
    assertThat(rsa.key.getAlgorithm()).isEqualTo("RSA");
    assertThat(rsa.certificate()).isEqualTo(node.certificate);
    assertThat(rsa.hash).isNotEqualTo(ec.hash);
  }

  private void assertRefused(String message) {
    assertThatThrownBy(() -> TlsMaterial.load(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesAMissingFileNamingItAndTheArgument() throws Exception {
    write(true);
    Files.delete(dir.resolve("tls.key"));
    assertRefused(dir.resolve("tls.key") + " is missing; the tlsDir agent argument must name a directory");
  }

  @Test
  void refusesACertificateFileThatIsNotPem() throws Exception {
    write(true);
    Files.writeString(dir.resolve("tls.crt"), "not a certificate");
    assertRefused(dir.resolve("tls.crt") + " is not a PEM certificate");
    Files.writeString(dir.resolve("tls.crt"), "");
    assertRefused(dir.resolve("tls.crt") + " holds no certificate");
    write(true);
    Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertRefused(dir.resolve("ca.crt") + " is not a PEM certificate");
  }

  @Test
  void refusesKeysThatAreNotUnencryptedPkcs8SayingHowToConvert() throws Exception {
    write(true);
    Files.writeString(dir.resolve("tls.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    assertRefused("is a PKCS#1/SEC1 key; convert it with openssl pkcs8 -topk8 -nocrypt");
    Files.writeString(dir.resolve("tls.key"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertRefused("it is encrypted; the key must be unencrypted");
    Files.writeString(dir.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n");
    assertRefused("is not valid base64");
    Files.writeString(dir.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertRefused("is neither an EC nor an RSA PKCS#8 key");
    Files.writeString(dir.resolve("tls.key"), "hello");
    assertRefused("no -----BEGIN PRIVATE KEY----- block");
  }

  @Test
  void refusesAKeyThatIsNotTheCertificatesOwn() throws Exception {
    write(true);
    Files.writeString(dir.resolve("tls.key"), TestCerts.pem(TestCerts.keys(true).getPrivate()));
    assertRefused("tls.key is not the key of the first certificate in");
    // An RSA key next to an EC certificate
    Files.writeString(dir.resolve("tls.key"), TestCerts.pem(TestCerts.keys(false).getPrivate()));
    assertRefused("tls.key is not the key of the first certificate in");
    // the chain in the wrong order (CA first)
    write(true);
    Files.writeString(dir.resolve("tls.crt"), TestCerts.pem(ca.certificate, node.certificate));
    assertRefused("tls.key is not the key of the first certificate in");
  }
}
