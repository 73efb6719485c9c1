package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@code POST /v1/access} accepts: every field is checked before anything changes. */
class AccessRequestTest {
  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String text) throws Exception {
    return (Map<String, Object>) Json.parse(text);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("{\"roles\":[{\"name\":\"a b\",\"password\":\"p\"}]}", "roles[].name"),
        Arguments.of("{\"roles\":[{\"name\":\"a'b\",\"password\":\"p\"}]}", "roles[].name"),
        Arguments.of("{\"roles\":[{\"name\":\"" + "a".repeat(129) + "\",\"password\":\"p\"}]}", "roles[].name"),
        Arguments.of("{\"roles\":[{\"name\":\"a\"}]}", "roles[a].password"),
        Arguments.of("{\"roles\":[{\"name\":\"a\",\"password\":\"" + "p".repeat(513) + "\"}]}", "at most 512"),
        Arguments.of("{\"roles\":[{\"name\":\"a\",\"password\":\"p\\u0000q\"}]}", "roles[a].password"),
        Arguments.of("{\"roles\":[{\"name\":\"a\",\"password\":\"p\",\"login\":1}]}", "roles[a].login"),
        Arguments.of("{\"roles\":[1]}", "must hold objects"),
        Arguments.of("{\"disableDefaultSuperuser\":\"yes\"}", "disableDefaultSuperuser"),
        Arguments.of("{\"as\":\"a;b\"}", "\"as\""),
        Arguments.of("{\"replication\":{\"keyspaces\":[\"system_schema\"],\"factors\":{\"dc1\":1}},\"as\":\"a\"}",
            "may only name"),
        Arguments.of("{\"replication\":{\"keyspaces\":[],\"factors\":{\"dc1\":1}},\"as\":\"a\"}",
            "replication.keyspaces"),
        Arguments.of("{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{}},\"as\":\"a\"}",
            "replication.factors"),
        Arguments.of("{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{\"dc1\":21}},\"as\":\"a\"}",
            "from 1 to 20"),
        Arguments.of("{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{\"dc1\":2.5}},\"as\":\"a\"}",
            "replication.factors.dc1"),
        Arguments.of("{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{\"dc 1\":2}},\"as\":\"a\"}",
            "not a datacenter name"),
        Arguments.of("{\"replication\":{\"keyspaces\":[\"system_auth\"],\"factors\":{\"dc1\":2},\"x\":1},"
            + "\"as\":\"a\"}", "unknown field \"x\""),
        Arguments.of("{\"password\":\"p\"}", "unknown field \"password\""));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("refused")
  void aBadRequestIsRefusedNamingTheField(String body, String message) throws Exception {
    assertThatThrownBy(() -> Access.parse(json(body))).isInstanceOf(ApiException.class)
        .hasMessageContaining(message).satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
  }

  @Test
  void aFullRequestIsReadWithItsDefaults() throws Exception {
    Access.Request r = Access.parse(json("{\"roles\":[{\"name\":\"admin\",\"password\":\"p'; --\",\"superuser\":true},"
        + "{\"name\":\"app\",\"password\":\"q\"}],\"disableDefaultSuperuser\":true,\"as\":\"admin\","
        + "\"replication\":{\"keyspaces\":[\"system_auth\",\"system_traces\"],\"factors\":{\"dc1\":3,\"dc-2\":1}}}"));
    assertThat(r.roles).hasSize(2);
    assertThat(r.roles.get(0).superuser).isTrue();
    assertThat(r.roles.get(0).password).isEqualTo("p'; --");
    assertThat(r.roles.get(1).superuser).isFalse();
    assertThat(r.roles.get(1).login).isTrue();
    assertThat(r.disableDefault).isTrue();
    assertThat(r.keyspaces).containsExactly("system_auth", "system_traces");
    assertThat(r.factors).containsEntry("dc1", 3).containsEntry("dc-2", 1);
  }
}
