package io.ringkeeper.operator.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests, made with BouncyCastle (test scope only): a CA, node certificates it issues (DNS names,
 * validity chosen by the test; a name written {@code ip:10.0.0.1} is an IP address SAN), self-signed ones, and a
 * server SSLContext serving one. EC P-256 keys.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private TestCertificates() {}

  /** A key and its certificate chain (leaf first). */
  public record Issued(KeyPair key, List<X509Certificate> chain) {
    public X509Certificate leaf() {
      return chain.get(0);
    }

    public X509Certificate[] chainArray() {
      return chain.toArray(new X509Certificate[0]);
    }

    /** A TLS server context that presents this chain. */
    public SSLContext serverContext() {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("agent", key.getPrivate(), password, chain.toArray(new Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    public String certificatePem() {
      return pem(chain.toArray());
    }

    public String keyPem() {
      return pem(key.getPrivate());
    }
  }

  /** A CA that issues node certificates. */
  public record Ca(Issued self) {
    public X509Certificate certificate() {
      return self.leaf();
    }

    public String pem() {
      return TestCertificates.pem(self.leaf());
    }

    /** A node certificate valid from an hour ago for a day, serverAuth + clientAuth, with these DNS names. */
    public Issued issue(String commonName, String... dnsNames) {
      Instant now = Instant.now();
      return issue(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), dnsNames);
    }

    public Issued issue(String commonName, Instant notBefore, Instant notAfter, String... dnsNames) {
      KeyPair key = keyPair();
      X509Certificate leaf = build(new X500Name("CN=" + commonName), key, self.leaf(), self.key(), notBefore,
          notAfter, false, dnsNames);
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(leaf);
      chain.add(self.leaf());
      return new Issued(key, chain);
    }
  }

  public static Ca ca(String commonName) {
    KeyPair key = keyPair();
    Instant now = Instant.now();
    X509Certificate cert = build(new X500Name("CN=" + commonName), key, null, key, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)), true);
    return new Ca(new Issued(key, List.of(cert)));
  }

  /** A self-signed leaf (not a CA) with these DNS names. */
  public static Issued selfSigned(String commonName, String... dnsNames) {
    KeyPair key = keyPair();
    Instant now = Instant.now();
    X509Certificate cert = build(new X500Name("CN=" + commonName), key, null, key, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(1)), false, dnsNames);
    return new Issued(key, List.of(cert));
  }

  public static String pem(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        writer.writeObject(o);
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate build(X500Name subject, KeyPair key, X509Certificate issuer, KeyPair issuerKey,
      Instant notBefore, Instant notAfter, boolean ca, String... dnsNames) {
    try {
      X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal()
          .getEncoded());
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
          key.getPublic());
      if (ca) {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      }
      if (dnsNames.length > 0) {
        GeneralName[] names = new GeneralName[dnsNames.length];
        for (int i = 0; i < dnsNames.length; i++) {
          names[i] = dnsNames[i].startsWith("ip:")
              ? new GeneralName(GeneralName.iPAddress, dnsNames[i].substring(3))
              : new GeneralName(GeneralName.dNSName, dnsNames[i]);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
