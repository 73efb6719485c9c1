package io.ringkeeper.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.ringkeeper.operator.resources.JsonPatches;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What kubectl needs from an API server beyond CRUD, answered for the embedded API of local mode:
 *
 * <ul>
 *   <li>legacy discovery ({@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>/<version>}) listing
 *       the resources local mode stores, the CassandraCluster entry taken from the CRD (short names cass,
 *       cassandra);
 *   <li>server-side printing: a {@code meta.k8s.io/v1 Table} when kubectl asks for one ({@code Accept: ...;as=Table})
 *       on CassandraClusters (the CRD's printer columns) and Pods (kubectl's usual columns), since kubectl no
 *       longer prints those columns itself.
 *   <li>an OpenAPI v3 index whose documents hold only the PATCH operations and their {@code fieldValidation}
 *       parameter: all kubectl apply reads before it sends {@code fieldValidation=Strict} and leaves validation to
 *       the server. Without it kubectl apply stops ("failed to download openapi"), as it needs OpenAPI v2 in
 *       protobuf to validate on the client side. The embedded API does not act on the parameter: kubectl apply
 *       here validates no more than {@code --validate=false} would.
 *   <li>JSON merge patches of whole objects (kubectl apply and annotate send them for custom resources) with RFC
 *       7386's semantics: the CRUD mock appends arrays instead of replacing them, so applying a manifest with one
 *       datacenter's size changed listed the datacenter twice. They are turned into the JSON patch of the merged
 *       object, which the mock applies exactly; {@code status} is left out, as a server with a status subresource
 *       ignores it there.
 * </ul>
 *
 * <p>Kept apart from {@link EmbeddedKube}, which only routes requests here.
 */
final class KubectlSupport {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
      "update", "watch");
  private static final Pattern CLUSTERS = Pattern.compile(
      "^/apis/ringkeeper\\.io/v1alpha1/(namespaces/[^/]+/)?cassandraclusters(/[^/]+)?$");
  private static final Pattern PODS = Pattern.compile("^/api/v1/(namespaces/[^/]+/)?pods(/[^/]+)?$");

  /** One resource kind served: group/version, plural, kind, namespaced, short names. */
  private record Kind(String groupVersion, String plural, String singular, String kind, boolean namespaced,
      List<String> shortNames, boolean status) {}

  private final ObjectMapper json = Serialization.jsonMapper();
  private final Clock clock;
  private final List<Kind> kinds;
  private final List<CustomResourceColumnDefinition> clusterColumns;

  KubectlSupport(CustomResourceDefinition crd, Clock clock) {
    this.clock = clock;
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    this.clusterColumns = version.getAdditionalPrinterColumns();
    String group = crd.getSpec().getGroup();
    this.kinds = List.of(
        new Kind("v1", "pods", "pod", "Pod", true, List.of("po"), true),
        new Kind("v1", "services", "service", "Service", true, List.of("svc"), true),
        new Kind("v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm"), false),
        new Kind("v1", "secrets", "secret", "Secret", true, List.of(), false),
        new Kind("v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true,
            List.of("pvc"), true),
        new Kind("v1", "events", "event", "Event", true, List.of("ev"), false),
        new Kind("v1", "endpoints", "endpoints", "Endpoints", true, List.of("ep"), false),
        new Kind("v1", "namespaces", "namespace", "Namespace", false, List.of("ns"), true),
        new Kind("policy/v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true,
            List.of("pdb"), true),
        new Kind("coordination.k8s.io/v1", "leases", "lease", "Lease", true, List.of(), false),
        new Kind("apiextensions.k8s.io/v1", "customresourcedefinitions", "customresourcedefinition",
            "CustomResourceDefinition", false, List.of("crd", "crds"), true),
        new Kind(group + "/" + version.getName(), crd.getSpec().getNames().getPlural(),
            crd.getSpec().getNames().getSingular(), crd.getSpec().getNames().getKind(), true,
            crd.getSpec().getNames().getShortNames(), version.getSubresources() != null
                && version.getSubresources().getStatus() != null));
  }

  /** The answer to a discovery or OpenAPI request, or null when the request is not one. */
  MockResponse discovery(RecordedRequest request) {
    if (!"GET".equalsIgnoreCase(request.getMethod())) {
      return null;
    }
    String path = request.getPath();
    int query = path.indexOf('?');
    path = query < 0 ? path : path.substring(0, query);
    if (path.equals("/openapi/v3")) {
      return ok(openApiRoot());
    }
    if (path.startsWith("/openapi/v3/")) {
      String gv = path.substring("/openapi/v3/".length()).replaceFirst("^apis?/", "");
      return kinds.stream().anyMatch(k -> k.groupVersion().equals(gv)) ? ok(openApi(gv)) : null;
    }
    switch (path) {
      case "/api":
        return ok(F.objectNode().put("kind", "APIVersions").set("versions", F.arrayNode().add("v1")));
      case "/apis":
        return ok(groupList());
      case "/version":
        return ok(F.objectNode().put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-ringkeeper-local")
            .put("platform", "linux/amd64"));
      default:
        break;
    }
    String groupVersion = path.startsWith("/api/") ? path.substring("/api/".length())
        : path.startsWith("/apis/") ? path.substring("/apis/".length()) : null;
    if (groupVersion != null && kinds.stream().anyMatch(k -> k.groupVersion().equals(groupVersion))) {
      return ok(resourceList(groupVersion));
    }
    if (groupVersion != null && !groupVersion.contains("/") && kinds.stream()
        .anyMatch(k -> k.groupVersion().startsWith(groupVersion + "/"))) {
      return ok(group(groupVersion));
    }
    return null;
  }

  /** Whether this is a JSON merge patch of a whole object (not of a subresource). */
  boolean isMergePatch(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    if (!"PATCH".equalsIgnoreCase(request.getMethod()) || type == null
        || !type.startsWith("application/merge-patch+json")) {
      return false;
    }
    String path = request.getPath().split("\\?", 2)[0];
    return !path.endsWith("/status") && !path.endsWith("/scale");
  }

  /** Applies a {@link #isMergePatch} request through {@code crud}: read the object, merge, write a JSON patch. */
  MockResponse mergePatch(RecordedRequest request, Function<RecordedRequest, MockResponse> crud) {
    String path = request.getPath().split("\\?", 2)[0];
    MockResponse current = crud.apply(new RecordedRequest("HTTP/1.1", HttpMethod.GET, path,
        Headers.builder().add("Accept", "application/json").build(), new Buffer()));
    if (current.code() != 200) {
      return current;
    }
    JsonNode target;
    JsonNode patch;
    try {
      target = json.readTree(current.getBody().readUtf8());
      patch = json.readTree(request.getBody().readUtf8());
    } catch (IOException e) {
      return new MockResponse().setResponseCode(400).setHeader("Content-Type", "application/json")
          .setBody(F.objectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
              .put("reason", "BadRequest").put("code", 400).put("message", "invalid JSON merge patch: "
                  + e.getMessage()).toString());
    }
    ArrayNode ops = F.arrayNode();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      String pointer = "/" + key.replace("~", "~0").replace("/", "~1");
      if ("status".equals(key)) {
        continue;
      }
      if (field.getValue().isNull()) {
        if (target.has(key)) {
          ops.addObject().put("op", "remove").put("path", pointer);
        }
      } else {
        ops.addObject().put("op", "add").put("path", pointer)
            .set("value", JsonPatches.merge(target.get(key), field.getValue()));
      }
    }
    Headers headers = request.getHeaders().newBuilder().set("Content-Type", "application/json-patch+json").build();
    return crud.apply(new RecordedRequest("HTTP/1.1", HttpMethod.PATCH, request.getPath(), headers,
        new Buffer().writeUtf8(ops.toString())));
  }

  /** Whether this request asks for a Table of a kind printed here. */
  boolean wantsTable(RecordedRequest request) {
    String accept = request.getHeader("Accept");
    if (!"GET".equalsIgnoreCase(request.getMethod()) || accept == null || !accept.contains("as=Table")
        || request.getPath().contains("watch=true")) {
      return false;
    }
    String path = request.getPath().split("\\?", 2)[0];
    return CLUSTERS.matcher(path).matches() || PODS.matcher(path).matches();
  }

  /** The CRUD answer (an object or a list) of a {@link #wantsTable} request turned into a Table. */
  MockResponse table(RecordedRequest request, MockResponse crud) {
    String body = crud.getBody() == null ? null : crud.getBody().readUtf8();
    if (crud.code() != 200 || body == null) {
      return body == null ? crud : crud.setBody(body);
    }
    JsonNode answer;
    try {
      answer = json.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean pods = PODS.matcher(request.getPath().split("\\?", 2)[0]).matches();
    ObjectNode table = F.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    if (answer.at("/metadata/resourceVersion").isTextual()) {
      metadata.put("resourceVersion", answer.at("/metadata/resourceVersion").asText());
    }
    ArrayNode columns = table.putArray("columnDefinitions");
    column(columns, "Name", "string", "name", 0, "Name must be unique within a namespace.");
    if (pods) {
      column(columns, "Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic.");
      column(columns, "Status", "string", "", 0, "The aggregate status of the containers in this pod.");
      column(columns, "Restarts", "string", "", 0, "The number of times the containers in this pod have restarted.");
      column(columns, "Age", "string", "", 0, "Time since the pod was created.");
      column(columns, "IP", "string", "", 1, "The IP address assigned to the pod.");
      column(columns, "Node", "string", "", 1, "The node the pod runs on.");
    } else {
      for (CustomResourceColumnDefinition c : clusterColumns) {
        column(columns, c.getName(), "date".equals(c.getType()) ? "date" : c.getType(),
            c.getFormat() == null ? "" : c.getFormat(), c.getPriority() == null ? 0 : c.getPriority(),
            c.getDescription() == null ? "" : c.getDescription());
      }
    }
    ArrayNode rows = table.putArray("rows");
    Iterable<JsonNode> items = answer.has("items") ? answer.get("items") : List.of(answer);
    String kind = pods ? "Pod" : "CassandraCluster";
    String apiVersion = pods ? "v1" : "ringkeeper.io/v1alpha1";
    for (JsonNode item : items) {
      ObjectNode object = ((ObjectNode) item.deepCopy()).put("kind", kind).put("apiVersion", apiVersion);
      ObjectNode row = rows.addObject();
      row.set("cells", pods ? podCells(item) : clusterCells(item));
      row.set("object", object);
    }
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
        .setBody(table.toString());
  }

  private ArrayNode clusterCells(JsonNode cluster) {
    ArrayNode cells = F.arrayNode().add(cluster.at("/metadata/name").asText());
    for (CustomResourceColumnDefinition c : clusterColumns) {
      JsonNode value = cluster.at(c.getJsonPath().replace('.', '/'));
      if (value.isMissingNode() || value.isNull()) {
        cells.addNull();
      } else if ("date".equals(c.getType())) {
        cells.add(age(value.asText()));
      } else {
        cells.add(value);
      }
    }
    return cells;
  }

  private ArrayNode podCells(JsonNode pod) {
    int total = pod.at("/spec/containers").size();
    int ready = 0;
    int restarts = 0;
    String reason = pod.at("/status/phase").asText("Pending");
    for (JsonNode s : pod.at("/status/containerStatuses")) {
      ready += s.path("ready").asBoolean(false) ? 1 : 0;
      restarts += s.path("restartCount").asInt(0);
      if (s.at("/state/waiting/reason").isTextual()) {
        reason = s.at("/state/waiting/reason").asText();
      } else if (s.at("/state/terminated/reason").isTextual()) {
        reason = s.at("/state/terminated/reason").asText();
      }
    }
    if (pod.at("/metadata/deletionTimestamp").isTextual()) {
      reason = "Terminating";
    }
    return F.arrayNode().add(pod.at("/metadata/name").asText()).add(ready + "/" + total).add(reason)
        .add(String.valueOf(restarts)).add(age(pod.at("/metadata/creationTimestamp").asText()))
        .add(pod.at("/status/podIP").asText("<none>")).add(pod.at("/spec/nodeName").asText("<none>"));
  }

  private static void column(ArrayNode columns, String name, String type, String format, int priority,
      String description) {
    columns.addObject().put("name", name).put("type", type).put("format", format).put("priority", priority)
        .put("description", description);
  }

  /** The age as kubectl prints it (k8s.io/apimachinery duration.HumanDuration). */
  String age(String timestamp) {
    Instant since;
    try {
      since = Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
    Duration d = Duration.between(since, clock.instant());
    long seconds = d.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }

  private ObjectNode openApiRoot() {
    ObjectNode root = F.objectNode();
    ObjectNode paths = root.putObject("paths");
    kinds.stream().map(Kind::groupVersion).distinct().forEach(gv -> {
      String prefix = gv.contains("/") ? "apis/" : "api/";
      paths.putObject(prefix + gv).put("serverRelativeURL", "/openapi/v3/" + prefix + gv);
    });
    return root;
  }

  private ObjectNode openApi(String groupVersion) {
    ObjectNode doc = F.objectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Ringkeeper local mode").put("version", "v1.32.0");
    ObjectNode paths = doc.putObject("paths");
    for (Kind k : kinds) {
      if (!k.groupVersion().equals(groupVersion)) {
        continue;
      }
      String base = (groupVersion.contains("/") ? "/apis/" : "/api/") + groupVersion
          + (k.namespaced() ? "/namespaces/{namespace}/" : "/") + k.plural() + "/{name}";
      ObjectNode patch = paths.putObject(base).putObject("patch").put("operationId", "patch" + k.kind());
      String[] gv = groupVersion.contains("/") ? groupVersion.split("/") : new String[] {"", groupVersion};
      patch.putObject("x-kubernetes-group-version-kind").put("group", gv[0]).put("version", gv[1])
          .put("kind", k.kind());
      patch.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
          .putObject("schema").put("type", "string");
      patch.putObject("responses").putObject("200").put("description", "OK");
    }
    return doc;
  }

  private ObjectNode groupList() {
    ObjectNode list = F.objectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    kinds.stream().map(Kind::groupVersion).filter(gv -> gv.contains("/")).map(gv -> gv.split("/")[0]).distinct()
        .forEach(g -> groups.add(group(g)));
    return list;
  }

  private ObjectNode group(String name) {
    ObjectNode group = F.objectNode().put("kind", "APIGroup").put("apiVersion", "v1").put("name", name);
    ArrayNode versions = group.putArray("versions");
    kinds.stream().map(Kind::groupVersion).filter(gv -> gv.startsWith(name + "/")).distinct()
        .forEach(gv -> versions.addObject().put("groupVersion", gv).put("version", gv.split("/")[1]));
    group.set("preferredVersion", versions.get(0).deepCopy());
    return group;
  }

  private ObjectNode resourceList(String groupVersion) {
    ObjectNode list = F.objectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", groupVersion);
    ArrayNode resources = list.putArray("resources");
    for (Kind k : kinds) {
      if (!k.groupVersion().equals(groupVersion)) {
        continue;
      }
      ObjectNode r = resources.addObject().put("name", k.plural()).put("singularName", k.singular())
          .put("namespaced", k.namespaced()).put("kind", k.kind());
      ArrayNode verbs = r.putArray("verbs");
      VERBS.forEach(verbs::add);
      if (!k.shortNames().isEmpty()) {
        ArrayNode shortNames = r.putArray("shortNames");
        k.shortNames().forEach(shortNames::add);
      }
      if (k.status()) {
        ObjectNode status = resources.addObject().put("name", k.plural() + "/status").put("singularName", "")
            .put("namespaced", k.namespaced()).put("kind", k.kind());
        status.putArray("verbs").add("get").add("patch").add("update");
      }
    }
    return list;
  }

  private MockResponse ok(JsonNode body) {
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
        .setBody(body.toString());
  }
}
