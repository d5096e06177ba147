package africa.payhub;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A platform-http route runs on the request's own thread and answers within that one dispatch: no hand-over
 * to a task executor, no second (async) pass through the filters. Its errors still reach the caller as the
 * hub's problem documents.
 */
class InlineRoutesTest extends HubTestSupport {

    @Test
    void aRouteRunsOnTheRequestThreadWithinOneDispatch() throws Exception {
        camelContext.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/api/v1/inline-probe?httpMethodRestrict=GET").routeId("inline-probe")
                        .process(e -> {
                            HttpServletRequest request = e.getIn(PlatformHttpMessage.class).getRequest();
                            e.getMessage().setBody(Thread.currentThread().getName() + " " + request.getDispatcherType()
                                    + " " + request.isAsyncStarted());
                        });
            }
        });
        try {
            Response r = get("/api/v1/inline-probe", CLIENT);
            assertThat(r.status()).isEqualTo(200);
            String[] seen = r.body().split(" ");
            // Tomcat's request threads (http-nio-<port>-exec-<n>, or its virtual threads on JDK 21+), never the
            // task executor's (task-<n>)
            assertThat(seen[0]).doesNotStartWith("task-").matches("http-nio-.*|tomcat-handler-.*");
            assertThat(seen[1]).isEqualTo("REQUEST");
            assertThat(seen[2]).isEqualTo("false");
            assertThat(r.header("Server-Timing")).startsWith("hub;dur=");
        } finally {
            camelContext.getRouteController().stopRoute("inline-probe");
            camelContext.removeRoute("inline-probe");
        }
    }

    @Test
    void aRoutesRefusalIsStillAProblemDocument() {
        Response invalid = post("/api/v1/payments", "{\"operation\":\"PAYOUT\"}", CLIENT);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.header("Content-Type")).startsWith("application/problem+json");
        assertThat(invalid.json().path("status").asInt()).isEqualTo(400);
    }
}
