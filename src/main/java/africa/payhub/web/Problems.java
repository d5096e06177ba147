package africa.payhub.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import africa.payhub.canonical.Refusal;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns whatever an API route threw into the HTTP answer: the problem for a {@link Refusal} of the domain,
 * or a bare 500 that names no internals (the exception goes to the log, the request body never does).
 */
@Component("problems")
public class Problems {

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private final ObjectMapper mapper;

    public Problems(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void render(Exchange exchange) throws Exception {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Problem problem;
        Refusal refusal = find(caught);
        if (refusal != null && refusal.retryAfterSeconds() > 0) {
            write(exchange, problem(refusal));
            exchange.getMessage().setHeader("Retry-After", String.valueOf(refusal.retryAfterSeconds()));
            return;
        } else if (refusal != null) {
            problem = problem(refusal);
        } else if (databaseUnavailable(caught)) {
            // the pool gave no connection within its timeout (about a second): the database is down or
            // overloaded; nothing was stored, the client may send the same message again
            LOG.warn("Database unavailable in route {}: {}", exchange.getFromRouteId(), caught.toString());
            write(exchange, Problem.of(503, "Service Unavailable",
                    "the hub cannot reach its database right now; send the same message again shortly (it is accepted once)"));
            exchange.getMessage().setHeader("Retry-After", RETRY_AFTER_SECONDS);
            return;
        } else {
            LOG.error("Unexpected error in route {} (exchange {})", exchange.getFromRouteId(),
                    exchange.getExchangeId(), caught);
            problem = Problem.of(500, "Internal Server Error",
                    "The hub could not complete this request. Reference: "
                            + exchange.getExchangeId());
        }
        write(exchange, problem);
    }

    public void write(Exchange exchange, Problem problem) throws Exception {
        Message msg = exchange.getMessage();
        msg.removeHeaders("*");
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        msg.setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        msg.setBody(mapper.writeValueAsBytes(problem.toJson()));
    }

    /** The problem document for a refusal: its kind decides the status. */
    public static Problem problem(Refusal r) {
        return switch (r.kind()) {
            case INVALID -> new Problem(400, "Bad Request", r.getMessage(), r.errors());
            case UNAUTHENTICATED -> Problem.of(401, "Unauthorized", r.getMessage());
            case FORBIDDEN -> Problem.of(403, "Forbidden", r.getMessage());
            case NOT_FOUND -> Problem.of(404, "Not Found", r.getMessage());
            case CONFLICT -> Problem.of(409, "Conflict", r.getMessage());
            case UNPROCESSABLE -> Problem.of(422, "Unprocessable Content", r.getMessage());
            case UNAVAILABLE -> Problem.of(503, "Service Unavailable", r.getMessage());
            case TOO_MANY -> Problem.of(429, "Too Many Requests", r.getMessage());
        };
    }

    static final String RETRY_AFTER_SECONDS = "2";

    /** The database gave no connection, or lost it: a fault of the moment, answered 503. */
    public static boolean databaseUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof org.springframework.dao.DataAccessResourceFailureException
                    || c instanceof org.springframework.transaction.CannotCreateTransactionException
                    || c instanceof org.springframework.dao.QueryTimeoutException
                    || c instanceof java.sql.SQLTransientConnectionException
                    || c instanceof java.sql.SQLNonTransientConnectionException
                    // a commit or rollback the connection could not complete (the pool's "Connection is closed"
                    // carries no SQL state); after a failed commit the message may be stored, which is why
                    // the answer asks for the same message again, accepted once, rather than a new one
                    || c instanceof org.springframework.transaction.TransactionSystemException
                    || (c instanceof java.sql.SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    private static Refusal find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Refusal r) {
                return r;
            }
        }
        return null;
    }
}
