package io.ringkeeper.operator.node;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a node agent's HTTPS certificate: the chain must be valid now and lead, by the JDK's PKIX validation, to
 * one of the certificates of one CA bundle (the cluster's, not the JDK's default trust store), and the leaf must
 * carry the node's DNS name as a subject alternative name: exactly, or as a wildcard of one label
 * ({@code *.<cluster>-nodes.<ns>.svc}). IP addresses are never matched: the operator connects to pod IPs, which
 * change on every restart, so the certificates name nodes, not addresses; the JDK's hostname check (which would
 * compare the certificate with the IP) is replaced by this one.
 *
 * <p>One trust manager serves every node of a CA bundle; the name a connection must show is looked up by the peer
 * ({@code host:port}) the connection goes to, which the client registers before each call.
 */
public final class AgentTrustManager extends X509ExtendedTrustManager {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
  private static final int DNS_NAME = 2;

  private final List<X509Certificate> authorities;
  private final Set<TrustAnchor> anchors;
  private final String source;
  private final Function<String, String> expectedNameOfPeer;
  private final Clock clock;

  /**
   * @param authorities the certificates of the CA bundle, each a trust anchor
   * @param source where the bundle comes from, for messages
   * @param expectedNameOfPeer the DNS name the agent at a peer ({@link #peer}) must show; null when no node is
   *     expected there (the connection is refused)
   */
  public AgentTrustManager(List<X509Certificate> authorities, String source,
      Function<String, String> expectedNameOfPeer, Clock clock) {
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("a CA bundle needs at least one certificate");
    }
    this.authorities = List.copyOf(authorities);
    Set<TrustAnchor> set = new HashSet<>();
    for (X509Certificate ca : authorities) {
      set.add(new TrustAnchor(ca, null));
    }
    this.anchors = Set.copyOf(set);
    this.source = Objects.requireNonNull(source, "source");
    this.expectedNameOfPeer = Objects.requireNonNull(expectedNameOfPeer, "expectedNameOfPeer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The certificates of a PEM bundle; a clear error when it holds none or cannot be read. */
  public static List<X509Certificate> parseBundle(String pem, String source) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException(source + " is empty: it must hold the PEM CA certificate(s)");
    }
    try {
      Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : parsed) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(source + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(source + " is not a PEM certificate bundle: " + e.getMessage(), e);
    }
  }

  /** The key of a peer as {@link #expectedNameOfPeer} is asked for it: host (no IPv6 brackets) and port. */
  public static String peer(String host, int port) {
    String h = host == null ? "" : host;
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.toLowerCase(Locale.ROOT) + ":" + port;
  }

  /**
   * Checks a chain the agent presented against the CA bundle and the node's name.
   *
   * @throws CertificateException saying why the certificate is refused
   */
  public void check(X509Certificate[] chain, String expectedName) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the agent presented no certificate");
    }
    X509Certificate leaf = chain[0];
    Date now = Date.from(clock.instant());
    try {
      leaf.checkValidity(now);
    } catch (CertificateExpiredException e) {
      throw new CertificateException("the agent's certificate (" + subject(leaf) + ") expired on "
          + leaf.getNotAfter().toInstant(), e);
    } catch (CertificateNotYetValidException e) {
      throw new CertificateException("the agent's certificate (" + subject(leaf) + ") is not valid before "
          + leaf.getNotBefore().toInstant(), e);
    }
    if (leaf.getBasicConstraints() >= 0) {
      throw new CertificateException("the agent presented a CA certificate (" + subject(leaf)
          + "), not a node certificate");
    }
    List<String> usages = leaf.getExtendedKeyUsage();
    if (usages != null && !usages.contains(SERVER_AUTH) && !usages.contains(ANY_EXTENDED_KEY_USAGE)) {
      throw new CertificateException("the agent's certificate (" + subject(leaf)
          + ") is not for servers (its extended key usage lacks serverAuth)");
    }
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : chain) {
      if (authorities.contains(c)) {
        break; // the anchor itself (sent by some servers) is not part of the path to validate
      }
      path.add(c);
    }
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false); // no CRL or OCSP for a cluster's own CA
      parameters.setDate(now);
      CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
    } catch (CertPathValidatorException e) {
      String why = e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
          ? "a certificate of its chain expired"
          : e.getMessage();
      throw new CertificateException("the agent's certificate (" + subject(leaf) + ", issued by "
          + leaf.getIssuerX500Principal().getName() + ") is not trusted by the CA of " + source + ": " + why, e);
    } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
      throw new CertificateException("cannot validate the agent's certificate: " + e.getMessage(), e);
    }
    List<String> names = dnsNames(leaf);
    for (String pattern : names) {
      if (matches(pattern, expectedName)) {
        return;
      }
    }
    throw new CertificateException("the agent's certificate does not name " + expectedName + " (its DNS names: "
        + (names.isEmpty() ? "none" : String.join(", ", names)) + "): it is not this node's agent");
  }

  /** The DNS subject alternative names of a certificate (IP addresses are left out: they are never matched). */
  static List<String> dnsNames(X509Certificate certificate) throws CertificateParsingException {
    List<String> out = new ArrayList<>();
    Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
    if (sans != null) {
      for (List<?> san : sans) {
        if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0)) && san.get(1) instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /**
   * Whether a certificate's DNS name covers {@code name}: equal (case-insensitive, a trailing dot ignored), or
   * {@code *.<rest>} where {@code name} is exactly one more label in front of {@code <rest>}.
   */
  static boolean matches(String pattern, String name) {
    String p = normal(pattern);
    String n = normal(name);
    if (p.isEmpty() || n.isEmpty()) {
      return false;
    }
    if (p.equals(n)) {
      return true;
    }
    if (!p.startsWith("*.")) {
      return false;
    }
    String suffix = p.substring(1); // ".<rest>"
    if (suffix.indexOf('*') >= 0 || suffix.indexOf('.', 1) < 0 || !n.endsWith(suffix)) {
      return false; // one wildcard, leftmost, and never over a top-level label alone
    }
    String label = n.substring(0, n.length() - suffix.length());
    return !label.isEmpty() && label.indexOf('.') < 0;
  }

  private static String normal(String dns) {
    String s = dns == null ? "" : dns.trim().toLowerCase(Locale.ROOT);
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  private void checkPeer(X509Certificate[] chain, String host, int port) throws CertificateException {
    String key = peer(host, port);
    String expected = expectedNameOfPeer.apply(key);
    if (expected == null) {
      throw new CertificateException("no node's agent is expected at " + key);
    }
    check(chain, expected);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (engine == null) {
      throw new CertificateException("the agent's address is unknown: its certificate cannot be checked");
    }
    checkPeer(chain, engine.getPeerHost(), engine.getPeerPort());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
    if (session == null) {
      throw new CertificateException("the agent's address is unknown: its certificate cannot be checked");
    }
    checkPeer(chain, session.getPeerHost(), session.getPeerPort());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("the agent's address is unknown: its certificate cannot be checked");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("the operator does not accept client connections here");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("the operator does not accept client connections here");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("the operator does not accept client connections here");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return authorities.toArray(new X509Certificate[0]);
  }
}
