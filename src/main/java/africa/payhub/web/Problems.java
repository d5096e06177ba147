package africa.payhub.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns whatever an API route threw into the HTTP answer: the problem an {@link ApiException} carries,
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
        ApiException api = find(caught);
        if (api != null) {
            problem = api.problem();
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

    private static ApiException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApiException api) {
                return api;
            }
        }
        return null;
    }
}
