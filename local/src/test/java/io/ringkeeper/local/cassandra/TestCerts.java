package io.ringkeeper.local.cassandra;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
import org.bouncycastle.util.io.pem.PemObject;

/** Test certificates issued with BouncyCastle (test scope only): a CA and node certificates it signs. */
final class TestCerts {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A key pair and its certificate. */
  static final class Issued {
    final KeyPair keys;
    final X509Certificate certificate;

    Issued(KeyPair keys, X509Certificate certificate) {
      this.keys = keys;
      this.certificate = certificate;
    }
  }

  private TestCerts() {}

  static KeyPair keys(boolean ec) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(ec ? "EC" : "RSA");
    if (ec) {
      generator.initialize(new ECGenParameterSpec("secp256r1"));
    } else {
      generator.initialize(2048);
    }
    return generator.generateKeyPair();
  }

  static Issued ca(String cn) throws Exception {
    KeyPair keys = keys(true);
    X500Name name = new X500Name("CN=" + cn);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(30))), name, keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new Issued(keys, sign(builder, keys.getPrivate()));
  }

  static Issued node(Issued ca, String cn, List<String> dnsNames, boolean ec, Duration lifetime) throws Exception {
    KeyPair keys = keys(ec);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
        new X500Name(ca.certificate.getSubjectX500Principal().getName()), BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(lifetime)), new X500Name("CN=" + cn),
        keys.getPublic());
    GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    return new Issued(keys, sign(builder, ca.keys.getPrivate()));
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws Exception {
    String algorithm = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(algorithm)
        .build(signer)));
  }

  static String pem(X509Certificate... certificates) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (X509Certificate c : certificates) {
        writer.writeObject(c);
      }
    }
    return out.toString();
  }

  /** PKCS#8, unencrypted ("BEGIN PRIVATE KEY"), as the contract's tls.key. */
  static String pem(PrivateKey key) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
    }
    return out.toString();
  }

  /** Writes tls.crt (node, then CA), tls.key, ca.crt and keystore.pem (key, then certificate) as the operator does. */
  static void writeDir(Path dir, Issued ca, Issued node) throws IOException {
    Files.createDirectories(dir);
    String chain = pem(node.certificate, ca.certificate);
    String key = pem(node.keys.getPrivate());
    Files.writeString(dir.resolve("ca.crt"), pem(ca.certificate));
    Files.writeString(dir.resolve("keystore.pem"), key + chain);
    Files.writeString(dir.resolve("tls.key"), key);
    Files.writeString(dir.resolve("tls.crt"), chain);
  }
}
