package io.ringkeeper.operator.reconciler.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringkeeper.operator.domain.tls.CertificateAuthority;
import io.ringkeeper.operator.domain.tls.Pem;
import io.ringkeeper.operator.domain.tls.TlsException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CA parsed once per Secret value is still refused once it has expired. */
class TlsSecretsMemoTest {
  @Test
  void aRememberedCaIsCheckedForItsDatesAtEveryUse() throws Exception {
    Instant now = Instant.parse("2026-12-07T00:00:00Z");
    CertificateAuthority ca = CertificateAuthority.generate("memo", now);
    String crt = Pem.write(List.of(ca.certificate()));
    String key = Pem.write(ca.key());
    CertificateAuthority first = TlsSecrets.authority("Secret memo-ca", crt, key, null, now);
    CertificateAuthority second = TlsSecrets.authority("Secret memo-ca", crt, key, null, now.plusSeconds(60));
    assertThat(second).as("parsed once").isSameAs(first);
    Instant expired = now.plus(CertificateAuthority.CA_LIFETIME).plusSeconds(3600);
    assertThatThrownBy(() -> TlsSecrets.authority("Secret memo-ca", crt, key, null, expired))
        .isInstanceOf(TlsException.class).hasMessageContaining("Secret memo-ca, key tls.crt");
    // Another value of the Secret is parsed (and checked) on its own.
    assertThatThrownBy(() -> TlsSecrets.authority("Secret memo-ca", crt, "not a key", null, now))
        .isInstanceOf(TlsException.class);
  }
}
