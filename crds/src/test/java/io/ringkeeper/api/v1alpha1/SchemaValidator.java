package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;

/**
 * Validates documents against the generated CRD's openAPIV3Schema, standing in for the API server (none runs
 * here). Kubernetes' structural schemas are OpenAPI 3.0 schemas, which for the keywords the generator emits
 * (type, pattern, min/max, enum, required, exclusiveMinimum as a boolean) behave as JSON Schema draft 4.
 */
final class SchemaValidator {
  private static final JsonSchema SCHEMA =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(CrdFiles.openApiSchema());

  private SchemaValidator() {}

  static List<String> validate(JsonNode document) {
    return SCHEMA.validate(document).stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}
