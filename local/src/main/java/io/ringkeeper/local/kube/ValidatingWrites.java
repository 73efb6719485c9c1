package io.ringkeeper.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import io.ringkeeper.local.kube.admission.Admission;
import io.ringkeeper.local.kube.admission.FieldError;
import java.io.IOException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives the embedded API the door a real API server has for CassandraClusters: every create, update and patch of
 * the resource itself (not of its status) is pruned, defaulted and validated by {@link Admission} against the CRD's
 * schema and CEL rules before the CRUD mock stores it. A refusal is the server's 422 Status and stores nothing;
 * unknown fields are refused with 400 under {@code fieldValidation=Strict} (what kubectl apply asks for) and
 * otherwise pruned with a {@code Warning} header, as the server does.
 *
 * <p>A JSON patch is applied here to the stored object to find what it would store; the request then goes to the
 * mock as sent (so a failing {@code test} operation still answers as the mock answers it), followed by one
 * {@code replace} of the spec when defaulting changed it.
 */
final class ValidatingWrites {
  private static final Pattern COLLECTION = Pattern.compile(
      "^/apis/ringkeeper\\.io/v1alpha1/namespaces/([^/]+)/cassandraclusters$");
  private static final Pattern ITEM = Pattern.compile(
      "^/apis/ringkeeper\\.io/v1alpha1/namespaces/([^/]+)/cassandraclusters/([^/]+)$");

  private final ObjectMapper json = Serialization.jsonMapper();
  private final Admission admission;

  ValidatingWrites(CustomResourceDefinition crd) {
    this.admission = Admission.of(crd);
  }

  /** Whether the request writes a CassandraCluster's spec or metadata (a create, update or patch). */
  boolean handles(RecordedRequest request) {
    if (EmbeddedKube.RESTORE_AGENT.equals(request.getHeader("User-Agent"))) {
      return false;
    }
    String path = request.getPath().split("\\?", 2)[0];
    String method = request.getMethod().toUpperCase();
    return switch (method) {
      case "POST" -> COLLECTION.matcher(path).matches();
      case "PUT" -> ITEM.matcher(path).matches();
      case "PATCH" -> ITEM.matcher(path).matches() && contentType(request).startsWith("application/json-patch+json");
      default -> false;
    };
  }

  /** Admits a {@link #handles} request and, when it may be stored, passes it (normalized) to {@code crud}. */
  MockResponse dispatch(RecordedRequest request, Function<RecordedRequest, MockResponse> crud) {
    String path = request.getPath().split("\\?", 2)[0];
    boolean strict = request.getPath().contains("fieldValidation=Strict");
    JsonNode body;
    try {
      body = json.readTree(request.getBody().readUtf8());
    } catch (IOException e) {
      return status(400, "BadRequest", "the request body is not JSON: " + e.getMessage());
    }
    if ("POST".equalsIgnoreCase(request.getMethod())) {
      if (!(body instanceof ObjectNode)) {
        return status(400, "BadRequest", "a CassandraCluster must be a JSON object");
      }
      Admission.Result result = admission.create(body);
      return answer(request, result, name(body), strict, crud, result.object().toString());
    }
    MockResponse current = crud.apply(new RecordedRequest("HTTP/1.1", HttpMethod.GET, path,
        Headers.builder().add("Accept", "application/json").build(), new Buffer()));
    if (current.code() != 200) {
      return crud.apply(copy(request, body.toString()));
    }
    JsonNode stored;
    try {
      stored = json.readTree(current.getBody().readUtf8());
    } catch (IOException e) {
      return status(500, "InternalError", "the stored object is not JSON: " + e.getMessage());
    }
    Matcher item = ITEM.matcher(path);
    String name = item.matches() ? item.group(2) : name(stored);
    if ("PUT".equalsIgnoreCase(request.getMethod())) {
      if (!(body instanceof ObjectNode)) {
        return status(400, "BadRequest", "a CassandraCluster must be a JSON object");
      }
      Admission.Result result = admission.update(body, stored);
      return answer(request, result, name, strict, crud, result.object().toString());
    }
    JsonNode patched;
    try {
      patched = JsonPatch.apply(body, stored);
    } catch (RuntimeException e) {
      return crud.apply(copy(request, body.toString()));
    }
    Admission.Result result = admission.update(patched, stored);
    ArrayNode ops = body.isArray() ? ((ArrayNode) body).deepCopy() : json.createArrayNode();
    JsonNode spec = result.object().get("spec");
    if (spec != null && !spec.equals(patched.get("spec"))) {
      ops.addObject().put("op", "add").put("path", "/spec").set("value", spec);
    }
    return answer(request, result, name, strict, crud, ops.toString());
  }

  private MockResponse answer(RecordedRequest request, Admission.Result result, String name, boolean strict,
      Function<RecordedRequest, MockResponse> crud, String forward) {
    if (strict && !result.unknownFields().isEmpty()) {
      return json(400, admission.strictlyUnknown(result.unknownFields()));
    }
    if (!result.allowed()) {
      return json(422, admission.invalid(name, result.errors()));
    }
    MockResponse stored = crud.apply(copy(request, forward));
    for (String field : result.unknownFields()) {
      stored.addHeader("Warning", "299 - " + FieldError.quoted("unknown field " + FieldError.quoted(field)));
    }
    return stored;
  }

  private static RecordedRequest copy(RecordedRequest request, String body) {
    return new RecordedRequest("HTTP/1.1", request.method(), request.getPath(), request.getHeaders(),
        new Buffer().writeUtf8(body));
  }

  private static String name(JsonNode object) {
    JsonNode metadata = object.path("metadata");
    return metadata.path("name").asText(metadata.path("generateName").asText(""));
  }

  private static String contentType(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    return type == null ? "" : type;
  }

  private MockResponse status(int code, String reason, String message) {
    ObjectNode status = json.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    return json(code, status.toString());
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
  }
}
