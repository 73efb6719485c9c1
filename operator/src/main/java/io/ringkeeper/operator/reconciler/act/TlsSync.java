package io.ringkeeper.operator.reconciler.act;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.dependent.RecentOperationCacheFiller;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.tls.CertificateAuthority;
import io.ringkeeper.operator.domain.tls.IssuedCertificate;
import io.ringkeeper.operator.domain.tls.Pem;
import io.ringkeeper.operator.domain.tls.TlsException;
import io.ringkeeper.operator.reconciler.act.KubeWriter.Scope;
import io.ringkeeper.operator.reconciler.events.ClusterEvent;
import io.ringkeeper.operator.reconciler.validate.TlsSecrets;
import io.ringkeeper.operator.resources.BoundedMemo;
import io.ringkeeper.operator.resources.Hashes;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a TLS cluster's certificates: the operator's CA Secret once (never rewritten), then each node's TLS Secret
 * before its pod exists, reissued when due for renewal (2/3 of its lifetime), when its source (the CA, or the user's
 * certificate) changed, or when the names it must carry changed. A renewed Secret changes the files the pod mounts,
 * never the pod: no node restarts for it.
 */
public final class TlsSync {
  private static final Logger LOG = LoggerFactory.getLogger(TlsSync.class);

  /**
   * What was written.
   *
   * @param notAfter each node's certificate expiry, by node name
   * @param nextRenewal the earliest renewal of a certificate the operator issued (null: none)
   * @param complete false when the CA Secret was just created elsewhere and not yet seen: reconcile again soon
   */
  public record Result(Map<String, Instant> notAfter, Instant nextRenewal, boolean complete,
      List<ClusterEvent> events) {}

  /** The hash of the names a node's certificate must carry, by node and namespace (checked on every reconcile). */
  private record NamesKey(NodeId id, String namespace) {}

  private static final BoundedMemo<NamesKey, String> NAMES = new BoundedMemo<>(8192);

  private final KubeWriter writer;
  private final Clock clock;

  public TlsSync(KubeWriter writer, Clock clock) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param secrets the cluster's Secrets by name (the informer's cache)
   * @param tls what the certificates are made from, without problems
   * @param nodes the nodes that must have a TLS Secret
   */
  public Result ensure(CassandraCluster cr, Map<String, Secret> secrets, TlsSecrets.Certificates tls,
      Collection<NodeId> nodes, RecentOperationCacheFiller<Secret> cache) {
    if (!tls.problems().isEmpty()) {
      throw new IllegalArgumentException("TLS Secrets are not written while " + tls.problems());
    }
    Instant now = clock.instant();
    List<ClusterEvent> events = new ArrayList<>();
    CertificateAuthority ca = tls.ca();
    String source = tls.source();
    if (tls.generateCa()) {
      ca = CertificateAuthority.generate(cr.getMetadata().getName(), now);
      Secret created = writer.create(Secrets.certificateAuthority(cr, ca), cache);
      if (created == null) {
        // Exists, though the cache has not seen it yet: its CA is read on the next reconcile.
        return new Result(TlsSecrets.notAfter(secrets, nodes), null, false, events);
      }
      String crt = Secrets.value(created, Names.TLS_CERT_KEY);
      source = TlsSecrets.operatorSource(tls.caSecret(), crt, Secrets.value(created, Names.TLS_CA_KEY));
      events.add(ClusterEvent.normal("CertificateAuthorityCreated", "", "Generated the cluster's CA (Secret "
          + tls.caSecret() + ", " + CertificateAuthority.commonName(cr.getMetadata().getName()) + ", valid until "
          + ca.certificate().getNotAfter().toInstant() + ")"));
    } else {
      // Labels and owner only: the CA's values are never rewritten.
      Secret observed = secrets.get(tls.caSecret());
      if (observed != null && ca != null && tls.operatorCa()) {
        writer.ensure(Secrets.certificateAuthorityMetadata(cr), observed, Scope.METADATA, cache);
      }
    }

    Map<String, Instant> notAfter = new TreeMap<>();
    Instant nextRenewal = null;
    String ns = cr.getMetadata().getNamespace();
    for (NodeId id : nodes) {
      Secret existing = secrets.get(Names.nodeTlsSecret(id));
      String names = namesHash(id, ns);
      String why = reissue(existing, source, names, tls.issues(), tls.issues() ? ca : null, now);
      if (why == null) {
        Instant at = TlsSecrets.annotation(existing, Labels.TLS_NOT_AFTER);
        notAfter.put(id.name(), at);
        Instant renew = TlsSecrets.annotation(existing, Labels.TLS_RENEW_AT);
        if (tls.issues() && renew != null && (nextRenewal == null || renew.isBefore(nextRenewal))) {
          nextRenewal = renew;
        }
        continue;
      }
      IssuedCertificate cert = tls.issues()
          ? ca.issue(id.name(), Secrets.nodeDnsNames(id, ns), tls.lifetime(), now) : tls.shared();
      Secret desired = Secrets.nodeTls(cr, id, cert, source, names);
      if (existing == null) {
        writer.create(desired, cache);
        events.add(ClusterEvent.normal("CertificateIssued", id.name(), "Wrote Secret " + Names.nodeTlsSecret(id)
            + " for node " + id.name() + " from " + describe(tls) + ", valid until " + cert.notAfter()));
      } else {
        writer.ensure(desired, existing, Scope.ALL, cache);
        events.add(ClusterEvent.normal("CertificateRenewed", id.name(), "Rewrote Secret "
            + Names.nodeTlsSecret(id) + " for node " + id.name() + " (" + why + ") from " + describe(tls)
            + ", valid until " + cert.notAfter() + "; no node restarts for it"));
      }
      LOG.info("{}: TLS Secret of {} written ({}), valid until {}", cr.getMetadata().getName(), id.name(),
          why, cert.notAfter());
      notAfter.put(id.name(), cert.notAfter());
      if (tls.issues() && (nextRenewal == null || cert.renewAt().isBefore(nextRenewal))) {
        nextRenewal = cert.renewAt();
      }
    }
    return new Result(notAfter, nextRenewal, true, events);
  }

  /** What a node's TLS Secret records of the names its certificate must carry ({@link Labels#TLS_NAMES}). */
  static String namesHash(NodeId id, String namespace) {
    return NAMES.get(new NamesKey(id, namespace), k -> Hashes.of(String.join(",",
        Secrets.nodeDnsNames(k.id(), k.namespace()))));
  }

  /** Why a node's TLS Secret is (re)written, or null when it holds; its certificate's signer is not checked. */
  static String reissue(Secret existing, String source, String names, boolean issues, Instant now) {
    return reissue(existing, source, names, issues, null, now);
  }

  /**
   * Why a node's TLS Secret is (re)written, or null when it holds.
   *
   * @param ca the CA that issues the node certificates (null: not checked): a certificate it did not sign (the
   *     Secret's values replaced by hand or by another tool) is written again, else its node could not reach its
   *     peers, which trust only the cluster CA
   */
  static String reissue(Secret existing, String source, String names, boolean issues, CertificateAuthority ca,
      Instant now) {
    if (existing == null) {
      return "new";
    }
    Map<String, String> a = existing.getMetadata().getAnnotations() == null ? Map.of()
        : existing.getMetadata().getAnnotations();
    if (!Objects.equals(a.get(Labels.TLS_SOURCE), source)) {
      return "its source changed";
    }
    if (!Objects.equals(a.get(Labels.TLS_NAMES), names)) {
      return "the names it must carry changed";
    }
    Instant renew = TlsSecrets.annotation(existing, Labels.TLS_RENEW_AT);
    Instant notAfter = TlsSecrets.annotation(existing, Labels.TLS_NOT_AFTER);
    if (renew == null || notAfter == null) {
      return "its annotations are missing";
    }
    if (existing.getData() == null || !existing.getData().keySet().containsAll(List.of(Names.TLS_CERT_KEY,
        Names.TLS_PRIVATE_KEY, Names.TLS_CA_KEY, Names.TLS_KEYSTORE_KEY))) {
      return "a key is missing";
    }
    if (ca != null && !signedBy(ca, existing)) {
      return "its certificate is not signed by the cluster's CA";
    }
    if (issues && !now.isBefore(renew)) {
      return "due for renewal since " + renew;
    }
    return null;
  }

  /** A node Secret's certificate (its tls.crt value as stored) checked against a CA's certificate. */
  private record SignedKey(X509Certificate ca, String crt) {}

  private static final BoundedMemo<SignedKey, Boolean> SIGNED = new BoundedMemo<>(8192);

  /** Whether the CA signed the first certificate of the Secret's tls.crt; remembered per value (every reconcile). */
  static boolean signedBy(CertificateAuthority ca, Secret secret) {
    String crt = secret.getData() == null ? null : secret.getData().get(Names.TLS_CERT_KEY);
    if (crt == null) {
      return false;
    }
    return SIGNED.get(new SignedKey(ca.certificate(), crt), k -> {
      try {
        List<X509Certificate> chain = Pem.certificates(Secrets.value(secret, Names.TLS_CERT_KEY), "tls.crt");
        chain.get(0).verify(k.ca().getPublicKey());
        return true;
      } catch (TlsException | GeneralSecurityException | RuntimeException e) {
        return false;
      }
    });
  }

  private static String describe(TlsSecrets.Certificates tls) {
    return tls.issues() ? "the CA in Secret " + tls.caSecret() : "Secret " + tls.caSecret() + " (spec.tls.secretRef)";
  }
}
