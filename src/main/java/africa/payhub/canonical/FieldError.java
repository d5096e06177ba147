package africa.payhub.canonical;

/** One problem with one field of a request; {@code field} is a dotted path, "body" for the whole body. */
public record FieldError(String field, String message) {
}
