package io.ringkeeper.local.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;

/** CQL sessions for the tests, with the long timeouts DDL needs on a 2-core machine (FACTS.md). */
final class Cql {
  private Cql() {}

  static CqlSession connect(String address, String datacenter) {
    return builder(address, datacenter).build();
  }

  /** A session that logs in as {@code user}. */
  static CqlSession connect(String address, String datacenter, String user, String password) {
    return builder(address, datacenter).withAuthCredentials(user, password).build();
  }

  private static com.datastax.oss.driver.api.core.CqlSessionBuilder builder(String address, String datacenter) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(address, 9042))
        .withLocalDatacenter(datacenter)
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
            .build());
  }
}
