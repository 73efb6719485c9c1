package io.ringkeeper.local.kube.admission;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One reason a write is refused, shaped as Kubernetes' {@code field.Error}: the field's path as the API server
 * prints it ({@code spec.datacenters[0].size}), the error type (which becomes the Status cause's reason), the
 * offending value and a detail. {@link #body()} is the cause's message and {@link #toString()} the line in the
 * Status message, both worded as the API server words them so that a user reads the same text in local mode.
 *
 * @param badValue the offending value as JSON, or null when the type prints none (Required, Too long)
 */
public record FieldError(String field, Type type, JsonNode badValue, String detail) {

  /** Kubernetes' field error types: the cause reason and the words that open the message. */
  public enum Type {
    REQUIRED("FieldValueRequired", "Required value", false),
    INVALID("FieldValueInvalid", "Invalid value", true),
    TYPE_INVALID("FieldValueTypeInvalid", "Invalid value", true),
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value", true),
    TOO_LONG("FieldValueTooLong", "Too long", false),
    TOO_MANY("FieldValueTooMany", "Too many", true),
    FORBIDDEN("FieldValueForbidden", "Forbidden", false);

    private final String reason;
    private final String words;
    private final boolean printsValue;

    Type(String reason, String words, boolean printsValue) {
      this.reason = reason;
      this.words = words;
      this.printsValue = printsValue;
    }

    /** The Status cause's {@code reason}, e.g. {@code FieldValueInvalid}. */
    public String reason() {
      return reason;
    }

    /** The reason a CEL rule names in {@code x-kubernetes-validations[].reason}, defaulting to Invalid. */
    static Type ofReason(String reason) {
      for (Type type : values()) {
        if (type.reason.equals(reason)) {
          return type;
        }
      }
      return INVALID;
    }
  }

  /** The Status cause's message: {@code Invalid value: -1: spec.x in body should be greater than or equal to 1}. */
  public String body() {
    StringBuilder s = new StringBuilder(type.words);
    // The server leaves out an object or a list (a CEL rule on one names only its message).
    if (type.printsValue && !(badValue != null && badValue.isContainerNode())) {
      s.append(": ").append(printed(badValue));
    }
    if (detail != null && !detail.isEmpty()) {
      s.append(": ").append(detail);
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return field + ": " + body();
  }

  /** A value as Go's {@code %v}/{@code %q} prints it in a field error: strings quoted, numbers bare, null. */
  static String printed(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "null";
    }
    if (value.isTextual()) {
      return quoted(value.asText());
    }
    if (value.isNumber() || value.isBoolean()) {
      return number(value);
    }
    return value.toString();
  }

  static String number(JsonNode value) {
    if (value.isIntegralNumber() || value.isBoolean()) {
      return value.asText();
    }
    return goFloat(value.asDouble());
  }

  /** Go's {@code %v} of a float64: the shortest digits, in exponent form below 1e-4 and from 1e21 on. */
  static String goFloat(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.isNaN(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return "0";
    }
    java.math.BigDecimal exact = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = exact.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - exact.scale();
    if (exponent >= -4 && exponent < 21) {
      return exact.toPlainString();
    }
    String mantissa = digits.charAt(0) + (digits.length() > 1 ? "." + digits.substring(1) : "");
    int abs = Math.abs(exponent);
    return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
  }

  /** Go's {@code %q}: double quotes, backslash escapes for quotes, backslashes and control characters. */
  public static String quoted(String text) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\t' -> s.append("\\t");
        case '\r' -> s.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            s.append(String.format("\\x%02x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"').toString();
  }
}
