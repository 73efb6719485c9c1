package io.ringkeeper.operator.domain.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM as Cassandra's PEMBasedSslContextFactory and cert-manager use it: certificates ("CERTIFICATE" blocks, leaf
 * first) and one unencrypted PKCS#8 private key ("PRIVATE KEY"). Read and written with BouncyCastle.
 */
public final class Pem {
  /** What a cert-manager user sets so the key is PKCS#8. */
  public static final String PKCS8_FIX = "cert-manager users: set spec.privateKey.encoding: PKCS8 on the"
      + " Certificate; otherwise convert it with `openssl pkcs8 -topk8 -nocrypt`";

  private Pem() {}

  /**
   * The certificates of a PEM text, in order.
   *
   * @param what names the Secret and key in messages, e.g. "Secret my-ca, key tls.crt"
   * @throws TlsException when the text is empty, holds no certificate, or holds something else
   */
  public static List<X509Certificate> certificates(String pem, String what) throws TlsException {
    if (pem == null || pem.isBlank()) {
      throw new TlsException(what + " is missing or empty; add the PEM certificate(s) there");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (!(o instanceof X509CertificateHolder holder)) {
          throw new TlsException(what + " holds a " + kind(o) + " where PEM certificates (BEGIN CERTIFICATE) are"
              + " expected; put the certificate there");
        }
        certificates.add(converter.getCertificate(holder));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new TlsException(what + " is not valid PEM (" + e.getMessage() + "); write the PEM certificate(s)"
          + " again");
    }
    if (certificates.isEmpty()) {
      throw new TlsException(what + " holds no PEM certificate (BEGIN CERTIFICATE); write the PEM certificate(s)"
          + " again");
    }
    return certificates;
  }

  /**
   * The one unencrypted PKCS#8 private key of a PEM text. A PKCS#1 ("BEGIN RSA PRIVATE KEY") or SEC1 ("BEGIN EC
   * PRIVATE KEY") key is refused: Cassandra reads PKCS#8 only.
   */
  public static PrivateKey privateKey(String pem, String what) throws TlsException {
    if (pem == null || pem.isBlank()) {
      throw new TlsException(what + " is missing or empty; add the PEM private key (PKCS#8) there");
    }
    Object o;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      o = parser.readObject();
      if (o != null && parser.readObject() != null) {
        throw new TlsException(what + " holds more than one PEM block; keep only the private key");
      }
    } catch (IOException | RuntimeException e) {
      throw new TlsException(what + " is not valid PEM (" + e.getMessage() + "); write the private key again");
    }
    if (o instanceof PEMKeyPair) {
      throw new TlsException(what + " is a PKCS#1/SEC1 key (BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY);"
          + " Cassandra reads PKCS#8 (BEGIN PRIVATE KEY) only. " + PKCS8_FIX);
    }
    if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new TlsException(what + " is an encrypted key (BEGIN ENCRYPTED PRIVATE KEY); give it unencrypted"
          + " (PKCS#8, BEGIN PRIVATE KEY)");
    }
    if (!(o instanceof PrivateKeyInfo info)) {
      throw new TlsException(what + " holds " + (o == null ? "no PEM block" : "a " + kind(o))
          + " where a PEM private key (BEGIN PRIVATE KEY) is expected; put the key there");
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException | RuntimeException e) {
      throw new TlsException(what + ": the private key cannot be read (" + e.getMessage() + "); use an RSA or EC"
          + " key in PKCS#8");
    }
  }

  /** PEM of certificates, in the order given. */
  public static String write(List<X509Certificate> certificates) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (X509Certificate c : certificates) {
        writer.writeObject(c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** PEM of an unencrypted PKCS#8 private key ("BEGIN PRIVATE KEY"). */
  public static String write(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String kind(Object o) {
    return o instanceof PEMKeyPair || o instanceof PrivateKeyInfo || o instanceof PKCS8EncryptedPrivateKeyInfo
        ? "private key" : o.getClass().getSimpleName();
  }
}
