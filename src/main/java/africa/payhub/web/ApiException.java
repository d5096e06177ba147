package africa.payhub.web;

import java.util.List;

/** A request the hub refuses, with the HTTP status and problem document to answer with. */
public class ApiException extends RuntimeException {

    private final transient Problem problem;

    public ApiException(Problem problem) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ApiException badRequest(List<FieldError> errors) {
        return new ApiException(new Problem(400, "Bad Request",
                errors.size() == 1 ? "The request has 1 problem" : "The request has " + errors.size() + " problems",
                List.copyOf(errors)));
    }

    public static ApiException badRequest(String field, String message) {
        return badRequest(List.of(new FieldError(field, message)));
    }

    public static ApiException notFound(String detail) {
        return new ApiException(Problem.of(404, "Not Found", detail));
    }

    public static ApiException conflict(String detail) {
        return new ApiException(Problem.of(409, "Conflict", detail));
    }

    public static ApiException unprocessable(String detail) {
        return new ApiException(Problem.of(422, "Unprocessable Content", detail));
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(Problem.of(403, "Forbidden", detail));
    }
}
