package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code POST /v1/gossip/end-hibernation} accepts: an IP address literal and nothing else. */
class GossipRequestTest {
  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String text) throws Exception {
    return (Map<String, Object>) Json.parse(text);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{}", "{\"endpoint\":null}", "{\"endpoint\":7}", "{\"endpoint\":\"\"}",
      "{\"endpoint\":\"node-3.cluster.local\"}", "{\"endpoint\":\"localhost\"}", "{\"endpoint\":\"10.0.0.256\"}",
      "{\"endpoint\":\"10.0.0\"}", "{\"endpoint\":\"10.0.0.7:7000\"}", "{\"endpoint\":\"10.0.0.7; rm -rf /\"}",
      "{\"endpoint\":\"::g\"}", "{\"endpoint\":\"10.0.0.7\",\"port\":7000}", "{\"address\":\"10.0.0.7\"}"})
  void anythingButOneAddressLiteralIsRefusedBeforeAnythingChanges(String body) throws Exception {
    assertThatThrownBy(() -> Gossip.parseEndpoint(json(body))).isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400))
        .hasMessageMatching("(?s).*(endpoint|unknown field).*");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"10.0.0.7,10.0.0.7", "127.90.0.3,127.90.0.3", "::1,0:0:0:0:0:0:0:1",
      "fe80::1,fe80:0:0:0:0:0:0:1"})
  void anAddressIsReadAsJavaPrintsIt(String given, String normalized) throws Exception {
    assertThat(Gossip.parseEndpoint(json("{\"endpoint\":\"" + given + "\"}"))).isEqualTo(normalized);
  }
}
