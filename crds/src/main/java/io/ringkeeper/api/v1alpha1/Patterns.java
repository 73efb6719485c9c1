package io.ringkeeper.api.v1alpha1;

/**
 * Regular expressions and limits shared by the schema annotations and the operator's own validation.
 *
 * <p>Object names are {@code <cluster>-<dc>-<rack>-<n>} and must fit a DNS-1123 label (63 characters):
 * 24 + 1 + 16 + 1 + 16 + 1 + 3 = 62, with n below 1000.
 */
public final class Patterns {
  private Patterns() {}

  /** A DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  /**
   * A DNS-1035 label: a DNS-1123 label that starts with a letter. A cluster's name must be one, because it
   * prefixes the names of its Services.
   */
  public static final String DNS_1035_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
  /** A DNS-1123 subdomain (Secret names and the like). */
  public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  public static final int MAX_CLUSTER_NAME = 24;
  public static final int MAX_DC_NAME = 16;
  public static final int MAX_RACK_NAME = 16;
  public static final int MAX_NODES_PER_DC = 999;
  /** A released Cassandra version such as 5.0.9. */
  public static final String VERSION = "^[0-9]+\\.[0-9]+\\.[0-9]+$";
  /**
   * A positive Kubernetes quantity: the API's quantity grammar without a minus sign and with at least one
   * non-zero digit, e.g. 50Gi, 512M, 0.5Ti. (Written without look-ahead: the API server uses RE2.)
   */
  public static final String POSITIVE_QUANTITY =
      "^\\+?([0-9]*[1-9][0-9]*(\\.[0-9]*)?|[0-9]*\\.[0-9]*[1-9][0-9]*)(([KMGTPE]i)|[numkMGTPE]|([eE][-+]?[0-9]+))?$";
  /** A duration such as 30m, 1h30m, 45s or 500ms. */
  public static final String DURATION = "^([0-9]+(ms|s|m|h|d))+$";
  /** A five-field cron expression (minute hour day-of-month month day-of-week), or a macro such as @daily. */
  public static final String CRON =
      "^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\\S+\\s+){4}\\S+)$";
  /** A Cassandra keyspace or table name. */
  public static final String CQL_IDENTIFIER = "^[A-Za-z0-9_]{1,48}$";
}
