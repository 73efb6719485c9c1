package io.ringkeeper.operator.reconciler.status;

/** Normalizes the endpoint strings Cassandra reports ("/10.0.0.1", "10.0.0.1:7000", "[::1]:7000") to hosts. */
final class Endpoints {
  private Endpoints() {}

  static String host(String endpoint) {
    if (endpoint == null) {
      return "";
    }
    String e = endpoint.startsWith("/") ? endpoint.substring(1) : endpoint;
    if (e.startsWith("[")) {
      int close = e.indexOf(']');
      return close > 0 ? e.substring(1, close) : e;
    }
    int colon = e.indexOf(':');
    if (colon >= 0 && colon == e.lastIndexOf(':')) {
      return e.substring(0, colon);
    }
    return e;
  }
}
