package io.ringkeeper.operator.domain.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The checks of certificates the user gives in Secrets (cert-manager layout: tls.crt, tls.key, ca.crt) and of the
 * operator's own CA Secret. Each failure is a {@link TlsException} naming the Secret, the key and the fix.
 */
public final class TlsChecks {
  public static final String CERT = "tls.crt";
  public static final String KEY = "tls.key";
  public static final String CA = "ca.crt";

  private TlsChecks() {}

  /**
   * A CA Secret: tls.crt a CA certificate (basicConstraints CA) valid now, tls.key its key; ca.crt (optional) what
   * nodes trust, else tls.crt.
   *
   * @param where e.g. "Secret my-ca (spec.tls.caSecretRef)"
   */
  public static CertificateAuthority authority(String where, String crt, String key, String ca, Instant now)
      throws TlsException {
    List<X509Certificate> certs = Pem.certificates(crt, where + ", key " + CERT);
    PrivateKey privateKey = Pem.privateKey(key, where + ", key " + KEY);
    X509Certificate cert = certs.get(0);
    if (cert.getBasicConstraints() < 0) {
      throw new TlsException(where + ", key " + CERT + ": " + subject(cert) + " is not a CA certificate (no"
          + " basicConstraints CA:true); give a CA (cert-manager: isCA: true) or use spec.tls.secretRef for a"
          + " node certificate");
    }
    checkDates(cert, where + ", key " + CERT, now);
    checkKey(cert, privateKey, where);
    List<X509Certificate> bundle = ca == null || ca.isBlank() ? certs : Pem.certificates(ca, where + ", key " + CA);
    return new CertificateAuthority(cert, privateKey, bundle);
  }

  /**
   * One certificate for all nodes: key matches, valid now, signed (through its chain) by a certificate of ca.crt,
   * and its DNS names cover every address.
   *
   * @param addresses the names the certificate must cover, e.g. every node's {@code <node>.<cluster>-nodes.<ns>.svc}
   */
  public static IssuedCertificate certificate(String where, String crt, String key, String ca,
      Collection<String> addresses, Instant now) throws TlsException {
    List<X509Certificate> chain = Pem.certificates(crt, where + ", key " + CERT);
    PrivateKey privateKey = Pem.privateKey(key, where + ", key " + KEY);
    if (ca == null || ca.isBlank()) {
      throw new TlsException(where + " has no key " + CA + " (or it is empty); add the CA certificate that signed"
          + " " + CERT + " (cert-manager writes it)");
    }
    List<X509Certificate> bundle = Pem.certificates(ca, where + ", key " + CA);
    X509Certificate leaf = chain.get(0);
    checkKey(leaf, privateKey, where);
    checkDates(leaf, where + ", key " + CERT, now);
    checkSignedBy(chain, bundle, where);
    List<String> names = dnsNames(leaf);
    List<String> uncovered = addresses.stream().filter(a -> !covers(names, a)).toList();
    if (!uncovered.isEmpty()) {
      throw new TlsException(where + ", key " + CERT + ": its DNS names " + names + " do not cover "
          + String.join(", ", uncovered) + "; add them (or a wildcard *." + parent(uncovered.get(0)) + ") to the"
          + " certificate's dnsNames");
    }
    return new IssuedCertificate(chain, privateKey, bundle);
  }

  /** Whether the key is the private key of the certificate (a signature made with it verifies). */
  public static boolean keyMatches(X509Certificate cert, PrivateKey key) {
    String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "ED25519" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null || !cert.getPublicKey().getAlgorithm().equalsIgnoreCase(key.getAlgorithm())) {
      return false;
    }
    try {
      byte[] data = "ringkeeper key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(data);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** A certificate's DNS SANs (lower case). */
  public static List<String> dnsNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    return names;
  }

  /** Whether a name is one of the DNS names, exactly or through a single-label wildcard ({@code *.rest}). */
  public static boolean covers(List<String> dnsNames, String address) {
    String a = address.toLowerCase(Locale.ROOT);
    for (String name : dnsNames) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.equals(a)) {
        return true;
      }
      int dot = a.indexOf('.');
      if (n.startsWith("*.") && dot > 0 && a.substring(dot + 1).equals(n.substring(2))) {
        return true;
      }
    }
    return false;
  }

  private static void checkKey(X509Certificate cert, PrivateKey key, String where) throws TlsException {
    if (!keyMatches(cert, key)) {
      throw new TlsException(where + ": key " + KEY + " is not the private key of the certificate in " + CERT
          + " (" + subject(cert) + "); put the matching pair in the Secret");
    }
  }

  /** Refuses a certificate that is not valid at {@code now}, naming {@code what} and its dates. */
  public static void checkDates(X509Certificate cert, String what, Instant now) throws TlsException {
    if (now.isAfter(cert.getNotAfter().toInstant())) {
      throw new TlsException(what + ": " + subject(cert) + " expired at " + cert.getNotAfter().toInstant()
          + "; renew it (cert-manager renews before expiry when the Certificate is Ready)");
    }
    if (now.isBefore(cert.getNotBefore().toInstant())) {
      throw new TlsException(what + ": " + subject(cert) + " is not valid before "
          + cert.getNotBefore().toInstant() + "; check the issuer's clock or wait");
    }
  }

  private static void checkSignedBy(List<X509Certificate> chain, List<X509Certificate> bundle, String where)
      throws TlsException {
    for (int i = 0; i + 1 < chain.size(); i++) {
      if (!signed(chain.get(i), chain.get(i + 1))) {
        throw new TlsException(where + ", key " + CERT + ": certificate " + (i + 1) + " of the chain ("
            + subject(chain.get(i)) + ") is not signed by the next one (" + subject(chain.get(i + 1))
            + "); write the chain leaf first, each certificate followed by its issuer");
      }
    }
    X509Certificate last = chain.get(chain.size() - 1);
    for (X509Certificate ca : bundle) {
      if (ca.equals(last) || signed(last, ca)) {
        return;
      }
    }
    throw new TlsException(where + ", key " + CERT + ": " + subject(last) + " is not signed by the CA in key " + CA
        + " (" + bundle.stream().map(TlsChecks::subject).toList() + "); issue the certificate from that CA or put"
        + " its issuer's certificate in " + CA);
  }

  private static boolean signed(X509Certificate cert, X509Certificate issuer) {
    try {
      cert.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static String parent(String address) {
    int dot = address.indexOf('.');
    return dot < 0 ? address : address.substring(dot + 1);
  }

  static String subject(X509Certificate cert) {
    return "'" + cert.getSubjectX500Principal().getName() + "'";
  }
}
