package io.ringkeeper.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * One consistent key pair of the agent's HTTPS server, read from the TLS directory of the contract
 * ({@code tls.crt}: the node certificate then its chain, PEM; {@code tls.key}: its PKCS#8 PEM key, EC or RSA,
 * unencrypted; {@code ca.crt}: the CA bundle). Parsed by the JDK alone ({@link CertificateFactory},
 * {@link KeyFactory} with {@link PKCS8EncodedKeySpec}). Every failure is an {@link IllegalArgumentException}
 * whose message names the file and the fix.
 */
final class TlsMaterial {
  static final String CERT_FILE = "tls.crt";
  static final String KEY_FILE = "tls.key";
  static final String CA_FILE = "ca.crt";
  /** Not read by the agent (Cassandra reads it), but a change of it is a reason to ask Cassandra to reload. */
  static final String KEYSTORE_FILE = "keystore.pem";

  final PrivateKey key;
  final X509Certificate[] chain;
  /** SHA-256 over the bytes of every file of the directory that was read: what a change is detected by. */
  final String hash;

  private TlsMaterial(PrivateKey key, X509Certificate[] chain, String hash) {
    this.key = key;
    this.chain = chain;
    this.hash = hash;
  }

  X509Certificate certificate() {
    return chain[0];
  }

  /** Reads and checks the pair; the files are read once each, so the hash describes exactly what was parsed. */
  static TlsMaterial load(Path dir) {
    byte[] certBytes = read(dir, CERT_FILE);
    byte[] keyBytes = read(dir, KEY_FILE);
    byte[] caBytes = read(dir, CA_FILE);
    byte[] keystoreBytes = readIfPresent(dir.resolve(KEYSTORE_FILE));
    String hash = hash(certBytes, keyBytes, caBytes, keystoreBytes);
    X509Certificate[] chain = certificates(dir.resolve(CERT_FILE), certBytes);
    certificates(dir.resolve(CA_FILE), caBytes);
    PrivateKey key = privateKey(dir.resolve(KEY_FILE), keyBytes);
    if (!matches(key, chain[0])) {
      throw new IllegalArgumentException(dir.resolve(KEY_FILE) + " is not the key of the first certificate in "
          + dir.resolve(CERT_FILE) + " (" + chain[0].getSubjectX500Principal().getName()
          + "); write the key and certificate of one pair (a pair being written is picked up once both match)");
    }
    return new TlsMaterial(key, chain, hash);
  }

  /** The hash {@link #load} would compute now, without parsing: cheap enough to poll. Null when a file is missing. */
  static String currentHash(Path dir) {
    try {
      return hash(Files.readAllBytes(dir.resolve(CERT_FILE)), Files.readAllBytes(dir.resolve(KEY_FILE)),
          Files.readAllBytes(dir.resolve(CA_FILE)), readIfPresent(dir.resolve(KEYSTORE_FILE)));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] read(Path dir, String name) {
    Path file = dir.resolve(name);
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + " is missing; the tlsDir agent argument must name a directory holding "
          + "tls.crt, tls.key and ca.crt (the node's TLS Secret)");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read (" + e + "); make it readable by Cassandra's user");
    }
  }

  private static byte[] readIfPresent(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static String hash(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(Integer.toString(part.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(part);
      }
      StringBuilder out = new StringBuilder();
      for (byte b : digest.digest()) {
        out.append(String.format("%02x", b));
      }
      return out.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate[] certificates(Path file, byte[] bytes) {
    Collection<? extends Certificate> parsed;
    try {
      parsed = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
    } catch (CertificateException | RuntimeException e) {
      throw new IllegalArgumentException(file + " is not a PEM certificate (" + e.getMessage()
          + "); it must hold -----BEGIN CERTIFICATE----- blocks, the node certificate first");
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : parsed) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no certificate; it must hold -----BEGIN CERTIFICATE----- "
          + "blocks, the node certificate first");
    }
    return out.toArray(new X509Certificate[0]);
  }

  private static PrivateKey privateKey(Path file, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      String hint = text.contains("ENCRYPTED PRIVATE KEY") ? "it is encrypted; the key must be unencrypted"
          : text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
              ? "it is a PKCS#1/SEC1 key; convert it with openssl pkcs8 -topk8 -nocrypt"
              : "no -----BEGIN PRIVATE KEY----- block";
      throw new IllegalArgumentException(file + " is not an unencrypted PKCS#8 PEM key (" + hint + ")");
    }
    byte[] der;
    try {
      // Strict: the MIME decoder would skip any character that is not base64 and hide a damaged file.
      der = Base64.getDecoder().decode(text.substring(from + begin.length(), to).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not valid base64 between its PEM lines (" + e.getMessage() + ")");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | NoSuchAlgorithmException | RuntimeException notThisAlgorithm) {
        // try the next one
      }
    }
    throw new IllegalArgumentException(file + " is neither an EC nor an RSA PKCS#8 key; issue an EC P-256 or RSA "
        + "2048 key");
  }

  /** Whether the key belongs to the certificate: a signature made with it verifies with the certificate's key. */
  static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
      return false;
    }
    try {
      byte[] data = new byte[32];
      new SecureRandom().nextBytes(data);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(data);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
