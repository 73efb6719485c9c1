package io.ringkeeper.operator.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * RFC 6902 JSON patches computed locally from what was observed and what is wanted.
 *
 * <p>Why not send merge patches: a JSON merge patch replaces arrays whole on a real API server, but the fabric8
 * mock server appends to them, so tests would not run the production semantics. A JSON patch means the same to
 * both. The patches here replace arrays whole (no index-based operations, which could hit the wrong element if
 * the object changed), and start with a test of the observed resourceVersion, so a patch computed from a stale
 * cache is refused rather than applied to the wrong base.
 */
public final class JsonPatches {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private JsonPatches() {}

  /** The operations turning {@code from} into {@code to}, with paths under {@code base} ("" for the root). */
  public static ArrayNode diff(String base, JsonNode from, JsonNode to) {
    ArrayNode ops = F.arrayNode();
    diff(base, from, to, ops);
    return ops;
  }

  /** One operation setting the value at {@code path} whole, whether it exists or not (RFC 6902 add). */
  public static ArrayNode whole(String path, JsonNode value) {
    ArrayNode ops = F.arrayNode();
    ops.add(F.objectNode().put("op", "add").put("path", path).set("value", value));
    return ops;
  }

  /** A test of metadata.resourceVersion followed by the operations: refused when the object moved on. */
  public static ArrayNode guarded(String resourceVersion, ArrayNode ops) {
    ArrayNode result = F.arrayNode();
    if (resourceVersion != null) {
      result.add(F.objectNode().put("op", "test").put("path", "/metadata/resourceVersion")
          .put("value", resourceVersion));
    }
    result.addAll(ops);
    return result;
  }

  /**
   * Applies an RFC 7386 merge patch locally (objects merged, arrays and scalars replaced, nulls remove): the
   * result the API server would compute, used to derive an exact JSON patch.
   */
  public static JsonNode merge(JsonNode target, JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      return patch == null ? target : patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : F.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  private static void diff(String path, JsonNode from, JsonNode to, ArrayNode ops) {
    boolean fromMissing = from == null || from.isMissingNode() || from.isNull();
    boolean toMissing = to == null || to.isMissingNode() || to.isNull();
    if (fromMissing && toMissing) {
      return;
    }
    if (toMissing) {
      ops.add(F.objectNode().put("op", "remove").put("path", path));
      return;
    }
    if (fromMissing) {
      ops.add(F.objectNode().put("op", "add").put("path", path).set("value", to.deepCopy()));
      return;
    }
    if (from.equals(to)) {
      return;
    }
    if (from.isObject() && to.isObject()) {
      Iterator<String> names = from.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!to.has(name) || to.get(name).isNull()) {
          if (!from.get(name).isNull()) {
            ops.add(F.objectNode().put("op", "remove").put("path", path + "/" + escape(name)));
          }
        }
      }
      Iterator<Map.Entry<String, JsonNode>> fields = to.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        diff(path + "/" + escape(field.getKey()), from.get(field.getKey()), field.getValue(), ops);
      }
      return;
    }
    ops.add(F.objectNode().put("op", "replace").put("path", path).set("value", to.deepCopy()));
  }

  /** RFC 6901: '~' as ~0 and '/' as ~1 (label keys such as app.kubernetes.io/name contain '/'). */
  public static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
