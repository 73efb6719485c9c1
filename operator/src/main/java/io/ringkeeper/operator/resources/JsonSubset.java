package io.ringkeeper.operator.resources;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Whether an observed object already holds what the operator wants of it. */
public final class JsonSubset {
  private JsonSubset() {}

  /**
   * Whether {@code actual} already holds everything {@code desired} sets: every field of a desired object is
   * contained in the actual one (fields the API server or others added are ignored), arrays match element by
   * element with the same rule, scalars are equal by value. An empty desired object or array is contained in
   * an absent one, because the API server drops empty collections.
   */
  public static boolean contains(JsonNode actual, JsonNode desired) {
    if (desired == null || desired.isNull() || desired.isMissingNode()) {
      return true;
    }
    if (desired.isObject()) {
      if (actual == null || actual.isNull() || actual.isMissingNode()) {
        return desired.isEmpty();
      }
      if (!actual.isObject()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = desired.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!contains(actual.get(field.getKey()), field.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (desired.isArray()) {
      if (actual == null || actual.isNull() || actual.isMissingNode()) {
        return desired.isEmpty();
      }
      if (!actual.isArray() || actual.size() != desired.size()) {
        return false;
      }
      for (int i = 0; i < desired.size(); i++) {
        if (!contains(actual.get(i), desired.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (actual == null || !actual.isValueNode()) {
      return false;
    }
    if (desired.isNumber() && actual.isNumber()) {
      return desired.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return desired.asText().equals(actual.asText()) && desired.isTextual() == actual.isTextual();
  }
}
