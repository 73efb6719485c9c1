package io.ringkeeper.operator.domain.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA that issues node certificates: the per-cluster CA the operator generates (self-signed, 10 years, EC P-256)
 * or the user's (spec.tls.caSecretRef). Certificates are built with BouncyCastle's X509v3CertificateBuilder.
 *
 * @param certificate the CA certificate (basicConstraints CA)
 * @param key its private key
 * @param bundle what nodes trust (ca.crt): the CA certificate, or the user's ca.crt when given
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey key, List<X509Certificate> bundle) {
  /** Lifetime of a generated CA. */
  public static final Duration CA_LIFETIME = Duration.ofDays(3650);
  /** Shortest node certificate lifetime accepted (spec.tls.certificateLifetime). */
  public static final Duration MIN_LIFETIME = Duration.ofMinutes(10);
  /** Issued certificates start this much before now, so a node whose clock is a little behind accepts them. */
  static final Duration BACKDATE = Duration.ofMinutes(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  public CertificateAuthority {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    bundle = bundle == null || bundle.isEmpty() ? List.of(certificate) : List.copyOf(bundle);
  }

  /** The common name of a generated CA: {@code <cluster> Ringkeeper CA}. */
  public static String commonName(String cluster) {
    return cluster + " Ringkeeper CA";
  }

  /** A new self-signed CA for a cluster, valid {@link #CA_LIFETIME} from now. */
  public static CertificateAuthority generate(String cluster, Instant now) {
    KeyPair pair = newKeyPair();
    X500Name name = name(commonName(cluster));
    Instant from = now.truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(from),
          Date.from(from.plus(CA_LIFETIME)), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(builder, pair.getPrivate());
      return new CertificateAuthority(cert, pair.getPrivate(), List.of(cert));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot generate the CA of " + cluster, e);
    }
  }

  /**
   * Issues a node certificate with a new EC P-256 key.
   *
   * @param commonName the node's name
   * @param dnsNames its DNS SANs (no IP SANs: pod IPs change on every restart)
   * @param lifetime at least {@link #MIN_LIFETIME}; cut to the CA's own expiry
   */
  public IssuedCertificate issue(String commonName, List<String> dnsNames, Duration lifetime, Instant now) {
    if (lifetime.compareTo(MIN_LIFETIME) < 0) {
      throw new IllegalArgumentException("certificate lifetime " + lifetime + " is under " + MIN_LIFETIME);
    }
    if (dnsNames.isEmpty()) {
      throw new IllegalArgumentException("a node certificate needs at least one DNS name");
    }
    KeyPair pair = newKeyPair();
    Instant from = now.truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
    Instant until = now.truncatedTo(ChronoUnit.SECONDS).plus(lifetime);
    Instant caUntil = certificate.getNotAfter().toInstant();
    if (until.isAfter(caUntil)) {
      until = caUntil;
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
          .toArray(GeneralName[]::new);
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(from),
          Date.from(until), name(commonName), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(certificate));
      X509Certificate cert = sign(builder, key);
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(cert);
      // An intermediate CA goes with the certificate; a self-signed root is in the bundle only.
      if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
        chain.add(certificate);
      }
      return new IssuedCertificate(chain, pair.getPrivate(), bundle);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue the certificate of " + commonName, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder(algorithm).build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator in this JVM", e);
    }
  }
}
