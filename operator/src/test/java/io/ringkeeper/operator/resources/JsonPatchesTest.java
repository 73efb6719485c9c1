package io.ringkeeper.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringkeeper.operator.resources.JsonSubset;
import io.ringkeeper.operator.resources.JsonPatches;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.zjsonpatch.JsonPatch;
import org.junit.jupiter.api.Test;

class JsonPatchesTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return M.readTree(text.replace('\'', '"'));
  }

  @Test
  void applyingTheDiffTurnsTheOldDocumentIntoTheNewOne() throws Exception {
    JsonNode from = json("{'a':1,'b':{'c':[1,2,3],'d':'x'},'gone':true,'m':{'k/1':'v'}}");
    JsonNode to = json("{'a':2,'b':{'c':[3],'e':null},'new':{'x':1},'m':{'k/1':'w','k~2':'z'}}");
    ArrayNode ops = JsonPatches.diff("", from, to);
    JsonNode applied = JsonPatch.apply(ops, from);
    assertThat(applied).isEqualTo(json("{'a':2,'b':{'c':[3]},'new':{'x':1},'m':{'k/1':'w','k~2':'z'}}"));
  }

  @Test
  void arraysAreReplacedWholeNeverByIndex() throws Exception {
    ArrayNode ops = JsonPatches.diff("/status", json("{'nodes':[1,2]}"), json("{'nodes':[2]}"));
    assertThat(ops).singleElement().satisfies(op -> {
      assertThat(op.get("op").asText()).isEqualTo("replace");
      assertThat(op.get("path").asText()).isEqualTo("/status/nodes");
    });
  }

  @Test
  void equalDocumentsNeedNoOperation() throws Exception {
    assertThat(JsonPatches.diff("", json("{'a':[1,{'b':2}]}"), json("{'a':[1,{'b':2}]}"))).isEmpty();
  }

  @Test
  void aGuardedPatchFirstTestsTheResourceVersion() throws Exception {
    ArrayNode ops = JsonPatches.guarded("42", JsonPatches.diff("", json("{'a':1}"), json("{'a':2}")));
    assertThat(ops.get(0)).isEqualTo(json("{'op':'test','path':'/metadata/resourceVersion','value':'42'}"));
  }

  @Test
  void mergeKeepsWhatThePatchDoesNotMentionAndReplacesArrays() throws Exception {
    JsonNode merged = JsonPatches.merge(json("{'labels':{'a':'1','b':'2'},'ports':[1,2]}"),
        json("{'labels':{'a':'9'},'ports':[3]}"));
    assertThat(merged).isEqualTo(json("{'labels':{'a':'9','b':'2'},'ports':[3]}"));
  }

  @Test
  void subsetMatchingIgnoresWhatTheServerAddedButSeesWhatChanged() throws Exception {
    JsonNode actual =
        json("{'spec':{'clusterIP':'10.0.0.1','ports':[{'port':9042,'protocol':'TCP','targetPort':9042}]}}");
    assertThat(JsonSubset.contains(actual, json("{'spec':{'ports':[{'port':9042}]}}"))).isTrue();
    assertThat(JsonSubset.contains(actual, json("{'spec':{'ports':[{'port':9043}]}}"))).isFalse();
    assertThat(JsonSubset.contains(actual, json("{'spec':{'ports':[{'port':9042},{'port':7000}]}}"))).isFalse();
    assertThat(JsonSubset.contains(json("{'metadata':{}}"), json("{'metadata':{'labels':{}}}"))).isTrue();
    assertThat(JsonSubset.contains(json("{'n':5}"), json("{'n':5.0}"))).isTrue();
    assertThat(JsonSubset.contains(json("{'n':'5'}"), json("{'n':5}"))).isFalse();
  }
}
