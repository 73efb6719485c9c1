package io.ringkeeper.local.kube.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.NullValue;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.Program;
import io.ringkeeper.local.kube.admission.FieldError.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code x-kubernetes-validations} rules of a structural schema, compiled once with CEL (cel-java, the same
 * language and standard macros the API server's cel-go evaluates) and evaluated where the server evaluates them:
 * at the schema node that declares them, with {@code self} the value there and {@code oldSelf} the stored value on
 * an update. A rule reading {@code oldSelf} (a transition rule) runs only when an old value is correlated; a false
 * rule is reported at the node's path plus the rule's {@code fieldPath}, with the rule's {@code reason} and
 * {@code message}.
 */
final class CelRules {
  private record Rule(String source, Program program, boolean transition, String message, String fieldPath,
      Type type) {}

  private final Map<JsonNode, List<Rule>> rules = new IdentityHashMap<>();

  CelRules(JsonNode rootSchema) {
    Cel cel = CelFactory.standardCelBuilder()
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addVar("self", SimpleType.DYN)
        .addVar("oldSelf", SimpleType.DYN)
        .build();
    compile(cel, rootSchema, "openAPIV3Schema");
  }

  /** The number of rules compiled (every rule of the schema). */
  int size() {
    return rules.values().stream().mapToInt(List::size).sum();
  }

  private void compile(Cel cel, JsonNode schema, String where) {
    if (schema == null || !schema.isObject()) {
      return;
    }
    List<Rule> here = new ArrayList<>();
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String source = rule.path("rule").asText();
      try {
        CelAbstractSyntaxTree ast = cel.compile(source).getAst();
        here.add(new Rule(source, cel.createProgram(ast), source.contains("oldSelf"),
            rule.path("message").asText(""), rule.path("fieldPath").asText(""),
            Type.ofReason(rule.path("reason").asText("FieldValueInvalid"))));
      } catch (CelValidationException | CelEvaluationException e) {
        throw new IllegalArgumentException("the CEL rule at " + where + " does not compile: " + source + ": "
            + e.getMessage(), e);
      }
    }
    if (!here.isEmpty()) {
      rules.put(schema, here);
    }
    Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
    while (properties.hasNext()) {
      Map.Entry<String, JsonNode> property = properties.next();
      compile(cel, property.getValue(), where + ".properties." + property.getKey());
    }
    compile(cel, schema.get("items"), where + ".items");
    compile(cel, schema.get("additionalProperties"), where + ".additionalProperties");
  }

  /** Evaluates every rule under {@code schema} against {@code value}, adding an error per false rule. */
  void check(JsonNode value, JsonNode schema, String path, JsonNode old, List<FieldError> errors) {
    if (value == null || value.isNull() || schema == null || (old != null && old.equals(value))) {
      return;
    }
    if (value instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode child = properties.has(field.getKey()) ? properties.get(field.getKey())
            : additional != null && additional.isObject() ? additional : null;
        if (child != null) {
          check(field.getValue(), child, StructuralSchema.join(path, field.getKey()),
              old == null ? null : old.get(field.getKey()), errors);
        }
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      for (int i = 0; i < array.size(); i++) {
        check(array.get(i), schema.get("items"), path + "[" + i + "]", null, errors);
      }
    }
    for (Rule rule : rules.getOrDefault(schema, List.of())) {
      if (rule.transition() && old == null) {
        continue;
      }
      Map<String, Object> vars = new HashMap<>();
      vars.put("self", cel(value));
      if (old != null) {
        vars.put("oldSelf", cel(old));
      }
      String field = rule.fieldPath().isEmpty() ? path
          : path.isEmpty() ? rule.fieldPath().substring(1) : path + rule.fieldPath();
      try {
        Object result = rule.program().eval(vars);
        if (!Boolean.TRUE.equals(result)) {
          String message = rule.message().isEmpty() ? "failed rule: " + rule.source() : rule.message();
          errors.add(new FieldError(field, rule.type(), value, message));
        }
      } catch (CelEvaluationException e) {
        errors.add(new FieldError(field, Type.INVALID, value, "rule evaluation error: " + e.getMessage()));
      }
    }
  }

  /** A JSON value as the CEL runtime takes it: maps, lists, longs, doubles, strings, booleans. */
  static Object cel(JsonNode value) {
    if (value == null || value.isNull()) {
      return NullValue.NULL_VALUE;
    }
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      value.fields().forEachRemaining(f -> map.put(f.getKey(), cel(f.getValue())));
      return map;
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      value.forEach(item -> list.add(cel(item)));
      return list;
    }
    if (value.isIntegralNumber()) {
      return value.asLong();
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.asText();
  }
}
