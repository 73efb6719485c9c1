package io.ringkeeper.operator.reconciler.validate;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.tls.Pem;
import io.ringkeeper.operator.domain.tls.TlsException;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The CA is not changed under running nodes in one step. Every node's TLS Secret is rewritten in one reconcile, but
 * each pod sees its new files when its kubelet syncs them (up to a minute or so) and each node reloads them on its
 * own: a node already holding certificates from a new CA that its peers do not trust yet is refused by them, and the
 * other way round, so the ring would be cut into the nodes that have loaded the new files and those that have not,
 * and clients trusting the old {@code ca.crt} would lose the nodes one after another.
 *
 * <p>A change is let through when, for every running node, the certificates it would be given lead to a CA its
 * current {@code ca.crt} trusts, and its current certificate leads to a CA the new {@code ca.crt} trusts: then old and
 * new nodes trust each other whatever order the files arrive in. That is what a renewal from the same CA is, and what
 * each step of a rotation through a CA bundle is (docs/security.md, "Changing the CA"): a {@code ca.crt} holding the
 * old and the new CA, then the new CA signing, then the old CA dropped. Otherwise the spec is refused with the fix,
 * and nothing in the cluster changes.
 */
public final class CaChange {
  public static final String REASON = "CaChangeUnsafe";

  private CaChange() {}

  /**
   * @param tls what the certificates would now be made from (no problems)
   * @param pods the cluster's node pods, as observed
   * @param secrets the cluster's Secrets by name (each node's {@code <node>-tls})
   * @return one problem naming the change and its fix; empty when the change is safe or there is none
   */
  public static List<Problem> check(CassandraCluster cr, TlsSecrets.Certificates tls, Collection<Pod> pods,
      Map<String, Secret> secrets) {
    if (tls == null || !tls.problems().isEmpty()) {
      return List.of();
    }
    List<String> refused = new ArrayList<>();
    for (Pod pod : pods) {
      if (pod.getMetadata() == null || pod.getMetadata().getDeletionTimestamp() != null || !TlsSwitch.runsTls(pod)) {
        continue;
      }
      String node = pod.getMetadata().getName();
      Secret existing = secrets.get(node + "-tls");
      if (existing == null || tls.source() != null && tls.source().equals(annotation(existing))) {
        // Written from what is there now (a renewal or new names: the same CA), or none to keep trusting.
        continue;
      }
      Current current = current(existing);
      if (current == null) {
        // Unreadable: the node cannot run TLS from it as it is; writing it again is the fix.
        continue;
      }
      if (tls.generateCa() || !safe(current, tls)) {
        refused.add(node);
      }
    }
    if (refused.isEmpty()) {
      return List.of();
    }
    String nodes = String.join(", ", refused.stream().sorted().toList());
    String cut = ": every node's certificate would be reissued at once, and until each node has loaded its new"
        + " files the nodes holding the new certificates and those holding the old ones refuse each other (clients"
        + " trusting the old ca.crt lose them too)";
    String rotate = "to move to another CA, go through a ca.crt that holds both CAs (docs/security.md, \"Changing"
        + " the CA\")";
    String unchanged = "; until then nothing in the cluster is changed";
    if (tls.generateCa()) {
      return List.of(new Problem("spec.tls", "Secret " + tls.caSecret() + " (the CA the operator generated) is"
          + " missing, but nodes " + nodes + " run with certificates it issued; a new CA would not be trusted by"
          + " them" + cut + "; restore Secret " + tls.caSecret() + " (keys tls.crt, tls.key, ca.crt) from a backup,"
          + " or " + rotate + unchanged, REASON));
    }
    String field = tls.issues() ? (tls.operatorCa() ? "spec.tls" : "spec.tls.caSecretRef") : "spec.tls.secretRef";
    String what = tls.issues()
        ? (tls.operatorCa() ? "Secret " + tls.caSecret() + " (the CA the operator generated)" : "Secret "
            + tls.caSecret() + " (spec.tls.caSecretRef)") + " holds a CA"
        : "Secret " + tls.caSecret() + " (spec.tls.secretRef) holds a certificate";
    return List.of(new Problem(field, what + " that nodes " + nodes + " do not trust, or their current"
        + " certificates lead to no CA of its ca.crt" + cut + "; put the previous value back, or " + rotate
        + unchanged, REASON));
  }

  /** A running node's certificate chain and the CAs its ca.crt trusts. */
  private record Current(List<X509Certificate> chain, List<X509Certificate> trust) {}

  private static Current current(Secret secret) {
    if (secret == null) {
      return null;
    }
    try {
      String crt = Secrets.value(secret, Names.TLS_CERT_KEY);
      String ca = Secrets.value(secret, Names.TLS_CA_KEY);
      if (crt == null || ca == null) {
        return null;
      }
      return new Current(Pem.certificates(crt, "tls.crt"), Pem.certificates(ca, "ca.crt"));
    } catch (TlsException | RuntimeException e) {
      return null;
    }
  }

  private static String annotation(Secret secret) {
    Map<String, String> a = secret.getMetadata() == null ? null : secret.getMetadata().getAnnotations();
    return a == null ? null : a.get(Labels.TLS_SOURCE);
  }

  /** Old and new trust each other: what the node is given leads to its current trust, and the other way round. */
  static boolean safe(Current current, TlsSecrets.Certificates tls) {
    List<X509Certificate> given = tls.issues() ? List.of(tls.ca().certificate()) : tls.shared().chain();
    List<X509Certificate> trust = tls.issues() ? tls.ca().bundle() : tls.shared().bundle();
    return leadsTo(given, current.trust()) && leadsTo(current.chain(), trust);
  }

  /**
   * Whether a chain (a certificate, then what issued it) leads to one of the trusted CAs: one of its certificates is
   * a trusted CA (same subject and key, so a CA certificate renewed with the same key counts), or is signed by one.
   */
  static boolean leadsTo(List<X509Certificate> chain, List<X509Certificate> trusted) {
    for (X509Certificate c : chain) {
      for (X509Certificate t : trusted) {
        if (c.getSubjectX500Principal().equals(t.getSubjectX500Principal())
            && Arrays.equals(c.getPublicKey().getEncoded(), t.getPublicKey().getEncoded())) {
          return true;
        }
        if (c.getIssuerX500Principal().equals(t.getSubjectX500Principal()) && signedBy(c, t)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
    try {
      c.verify(issuer.getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
