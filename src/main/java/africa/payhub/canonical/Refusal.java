package africa.payhub.canonical;

import java.util.List;

/**
 * The hub refuses a request, for a reason its callers can act on. Thrown by the domain (validation, the
 * money rules, providers' inbound calls); the edges translate it: the web into an RFC 9457 problem.
 */
public class Refusal extends RuntimeException {

    /** Why, in the caller's terms. */
    public enum Kind { INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, UNPROCESSABLE, UNAVAILABLE, TOO_MANY }

    private final Kind kind;
    private final transient List<FieldError> errors;
    private final long retryAfterSeconds;

    public Refusal(Kind kind, String detail, List<FieldError> errors) {
        this(kind, detail, errors, 0);
    }

    private Refusal(Kind kind, String detail, List<FieldError> errors, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.kind = kind;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** How long the caller should wait before asking again, in seconds (0: not said). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public static Refusal invalid(List<FieldError> errors) {
        return new Refusal(Kind.INVALID, errors.size() == 1 ? "The request has 1 problem"
                : "The request has " + errors.size() + " problems", errors);
    }

    public static Refusal invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static Refusal unauthenticated(String detail) {
        return new Refusal(Kind.UNAUTHENTICATED, detail, null);
    }

    public static Refusal forbidden(String detail) {
        return new Refusal(Kind.FORBIDDEN, detail, null);
    }

    public static Refusal notFound(String detail) {
        return new Refusal(Kind.NOT_FOUND, detail, null);
    }

    public static Refusal conflict(String detail) {
        return new Refusal(Kind.CONFLICT, detail, null);
    }

    public static Refusal unprocessable(String detail) {
        return new Refusal(Kind.UNPROCESSABLE, detail, null);
    }

    public static Refusal unavailable(String detail) {
        return new Refusal(Kind.UNAVAILABLE, detail, null);
    }

    /** Too many attempts (a locked-out login): ask again after {@code retryAfterSeconds}. */
    public static Refusal tooMany(String detail, long retryAfterSeconds) {
        return new Refusal(Kind.TOO_MANY, detail, null, retryAfterSeconds);
    }
}
