package io.ringkeeper.operator.reconciler.validate;

import io.fabric8.kubernetes.api.model.Secret;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.TlsSpec;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.schedule.Durations;
import io.ringkeeper.operator.domain.tls.CertificateAuthority;
import io.ringkeeper.operator.domain.tls.IssuedCertificate;
import io.ringkeeper.operator.domain.tls.TlsChecks;
import io.ringkeeper.operator.domain.tls.TlsException;
import io.ringkeeper.operator.resources.BoundedMemo;
import io.ringkeeper.operator.resources.Hashes;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a TLS cluster's node certificates come from, checked in the Secrets: the operator's CA ({@code <cluster>-ca},
 * generated when missing), the user's CA (spec.tls.caSecretRef) or one user certificate for every node
 * (spec.tls.secretRef). A Secret that is missing or unusable is a {@link Problem} naming the Secret, the key and the
 * fix (reason {@link #MISSING} or {@link #INVALID}); the reconciler then changes nothing in the cluster.
 */
public final class TlsSecrets {
  public static final String MISSING = "TlsSecretMissing";
  public static final String INVALID = "TlsSecretInvalid";
  /** Source prefix of certificates from the operator's CA; the user's CA is {@code ca:}. */
  static final String OPERATOR_CA = "operator-ca:";

  /**
   * What the node TLS Secrets are made from.
   *
   * @param ca the CA node certificates are issued from (null with secretRef, or while the operator's is generated)
   * @param shared the user's certificate every node gets (secretRef), else null
   * @param generateCa the operator's CA Secret does not exist yet: the act stage generates it
   * @param caSecret the Secret the certificates come from (status.tls.source)
   * @param source what a node TLS Secret records as its source ({@link Labels#TLS_SOURCE}): another value reissues
   * @param lifetime of the certificates the operator issues
   * @param problems non-empty: nothing may be written
   */
  public record Certificates(CertificateAuthority ca, IssuedCertificate shared, boolean generateCa, String caSecret,
      String source, Duration lifetime, List<Problem> problems) {
    public Certificates {
      problems = List.copyOf(problems);
    }

    /** The CA is the one the operator generated (its Secret is the cluster's), not the user's. */
    public boolean operatorCa() {
      return shared == null && (generateCa || source != null && source.startsWith(OPERATOR_CA));
    }

    /** The operator issues the certificates (and renews them); with secretRef it copies the user's. */
    public boolean issues() {
      return shared == null;
    }
  }

  private TlsSecrets() {}

  /** The user's Secrets spec.tls names (read and labelled so the Secret informer sees their changes). */
  public static Set<String> referencedSecrets(CassandraCluster cr) {
    Set<String> names = new LinkedHashSet<>();
    if (SpecDefaults.tlsEnabled(cr.getSpec()) && cr.getSpec().getTls() != null) {
      TlsSpec tls = cr.getSpec().getTls();
      if (present(tls.getCaSecretRef())) {
        names.add(tls.getCaSecretRef());
      }
      if (present(tls.getSecretRef())) {
        names.add(tls.getSecretRef());
      }
    }
    return names;
  }

  /**
   * @param secrets the cluster's Secrets by name, including the user's Secrets spec.tls names
   * @param nodes the nodes that get a certificate (a shared certificate must cover each)
   * @return null when the cluster runs no TLS
   */
  public static Certificates of(CassandraCluster cr, Map<String, Secret> secrets, Collection<NodeId> nodes,
      Instant now) {
    if (!SpecDefaults.tlsEnabled(cr.getSpec())) {
      return null;
    }
    TlsSpec tls = cr.getSpec().getTls() == null ? new TlsSpec() : cr.getSpec().getTls();
    Duration lifetime = Durations.parse(SpecDefaults.certificateLifetime(cr.getSpec())); // validated before
    List<Problem> problems = new ArrayList<>();
    String ns = cr.getMetadata().getNamespace();
    if (present(tls.getSecretRef())) {
      String name = tls.getSecretRef();
      String field = "spec.tls.secretRef";
      String where = "Secret " + name + " (" + field + ")";
      Secret secret = secrets.get(name);
      if (secret == null) {
        problems.add(new Problem(field, where + " not found: create it with keys tls.crt, tls.key (PKCS#8) and"
            + " ca.crt (cert-manager: a Certificate with secretName " + name + "), or clear the field to let the"
            + " operator issue the certificates; until then nothing in the cluster is changed", MISSING));
        return new Certificates(null, null, false, name, null, lifetime, problems);
      }
      List<String> addresses = nodes.stream().map(id -> Names.nodeAddress(id, ns)).toList();
      try {
        String crt = value(secret, TlsChecks.CERT, where);
        String key = value(secret, TlsChecks.KEY, where);
        String ca = value(secret, TlsChecks.CA, where);
        IssuedCertificate shared = TlsChecks.certificate(where, crt, key, ca, addresses, now);
        return new Certificates(null, shared, false, name, "secret:" + name + "@" + Hashes.of(crt + ca),
            lifetime, problems);
      } catch (TlsException e) {
        problems.add(new Problem(field, e.getMessage() + "; until then nothing in the cluster is changed", INVALID));
        return new Certificates(null, null, false, name, null, lifetime, problems);
      }
    }
    boolean users = present(tls.getCaSecretRef());
    String name = users ? tls.getCaSecretRef() : Names.caSecret(cr.getMetadata().getName());
    String field = users ? "spec.tls.caSecretRef" : "spec.tls";
    String where = "Secret " + name + " (" + (users ? field : "the CA the operator generated") + ")";
    Secret secret = secrets.get(name);
    if (secret == null && !users) {
      return new Certificates(null, null, true, name, null, lifetime, problems);
    }
    if (secret == null) {
      problems.add(new Problem(field, where + " not found: create it with keys tls.crt (a CA certificate) and"
          + " tls.key (its PKCS#8 key), optional ca.crt, or clear the field to let the operator run its own CA;"
          + " until then nothing in the cluster is changed", MISSING));
      return new Certificates(null, null, false, name, null, lifetime, problems);
    }
    try {
      String crt = value(secret, TlsChecks.CERT, where);
      String key = value(secret, TlsChecks.KEY, where);
      String ca = value(secret, TlsChecks.CA, where);
      CertificateAuthority authority = authority(where, crt, key, ca, now);
      String source = users ? "ca:" + name + "@" + Hashes.of(crt + (ca == null ? "" : ca))
          : operatorSource(name, crt, ca);
      return new Certificates(authority, null, false, name, source, lifetime, problems);
    } catch (TlsException e) {
      String fix = users ? "" : " (or restore it from a backup; a new CA is generated only for a cluster with no"
          + " node running TLS yet: docs/security.md, \"Changing the CA\")";
      problems.add(new Problem(field, e.getMessage() + fix + "; until then nothing in the cluster is changed",
          INVALID));
      return new Certificates(null, null, false, name, null, lifetime, problems);
    }
  }

  /**
   * Parsed CAs under their Secret's values: parsing the key and checking it against the certificate took a few
   * milliseconds on every reconcile of a TLS cluster (a no-op reconcile of 96 nodes went from CPU p50 6.8 to 10.7 ms
   * with TLS on). Only what parsed is remembered; its dates are checked again at every use.
   */
  private static final BoundedMemo<List<String>, CertificateAuthority> AUTHORITIES = new BoundedMemo<>(64);

  static CertificateAuthority authority(String where, String crt, String key, String ca, Instant now)
      throws TlsException {
    List<String> values = java.util.Arrays.asList(where, crt, key, ca);
    CertificateAuthority known = AUTHORITIES.peek(values);
    if (known != null) {
      TlsChecks.checkDates(known.certificate(), where + ", key " + TlsChecks.CERT, now);
      return known;
    }
    CertificateAuthority parsed = TlsChecks.authority(where, crt, key, ca, now);
    AUTHORITIES.put(values, parsed);
    return parsed;
  }

  /** The source of certificates issued from the operator's CA Secret with these values. */
  public static String operatorSource(String secret, String crt, String ca) {
    return OPERATOR_CA + secret + "@" + Hashes.of(crt + (ca == null ? "" : ca));
  }

  /** Each node's certificate expiry, from its TLS Secret's annotation (missing or unreadable: left out). */
  public static Map<String, Instant> notAfter(Map<String, Secret> secrets, Collection<NodeId> nodes) {
    Map<String, Instant> result = new TreeMap<>();
    for (NodeId id : nodes) {
      Instant at = annotation(secrets.get(Names.nodeTlsSecret(id)), Labels.TLS_NOT_AFTER);
      if (at != null) {
        result.put(id.name(), at);
      }
    }
    return result;
  }

  /** Instant annotations parsed, by their text: every node TLS Secret's two are read on every reconcile. */
  private static final BoundedMemo<String, Optional<Instant>> INSTANTS = new BoundedMemo<>(8192);

  /** An instant annotation of a Secret, or null when absent or unreadable. */
  public static Instant annotation(Secret secret, String key) {
    Map<String, String> annotations = secret == null ? null : secret.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    return value == null ? null : INSTANTS.get(value, TlsSecrets::parseInstant).orElse(null);
  }

  private static Optional<Instant> parseInstant(String value) {
    try {
      return Optional.of(Instant.parse(value));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String value(Secret secret, String key, String where) throws TlsException {
    try {
      return Secrets.value(secret, key);
    } catch (IllegalArgumentException e) {
      throw new TlsException(where + ", key " + key + ": not valid base64; write the value again (kubectl create"
          + " secret tls ... --cert --key, or let cert-manager write it)");
    }
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
