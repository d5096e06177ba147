package africa.payhub;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.validation.method.MethodValidator;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.support.InvocableHandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A platform-http route runs on the request's own thread and answers within that one dispatch: no hand-over
 * to a task executor, no second (async) pass through the filters. Its errors still reach the caller as the
 * hub's problem documents.
 */
class InlineRoutesTest extends HubTestSupport {

    @Autowired
    RequestMappingHandlerAdapter adapter;

    @Autowired
    List<RequestMappingHandlerMapping> mappings;

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

    /**
     * Spring MVC hands every handler method it invokes a method validator, and looks for {@code @Validated} up the
     * handler's class hierarchy to do so: platform-http's method (nothing of it is validated) is handed none, any
     * other handler still is.
     */
    @Test
    void platformHttpsHandlerMethodIsHandedNoMethodValidator() throws ReflectiveOperationException {
        Method create = RequestMappingHandlerAdapter.class.getDeclaredMethod("createInvocableHandlerMethod", HandlerMethod.class);
        create.setAccessible(true);
        Field held = InvocableHandlerMethod.class.getDeclaredField("methodValidator");
        held.setAccessible(true);
        MethodValidator validator = (MethodValidator) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MethodValidator.class}, (proxy, method, args) -> null);
        boolean platformHttp = false;
        boolean other = false;
        for (HandlerMethod handler : mappings.stream().flatMap(m -> m.getHandlerMethods().values().stream()).toList()) {
            InvocableHandlerMethod invocable = (InvocableHandlerMethod) create.invoke(adapter, handler);
            invocable.setMethodValidator(validator);
            if (handler.getBeanType() == SpringBootPlatformHttpConsumer.class) {
                platformHttp = true;
                assertThat(held.get(invocable)).as(handler.toString()).isNull();
            } else {
                other = true;
                assertThat(held.get(invocable)).as(handler.toString()).isSameAs(validator);
            }
        }
        assertThat(platformHttp).isTrue();
        assertThat(other).isTrue();
    }

    @Test
    void aRoutesRefusalIsStillAProblemDocument() {
        Response invalid = post("/api/v1/payments", "{\"operation\":\"PAYOUT\"}", CLIENT);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.header("Content-Type")).startsWith("application/problem+json");
        assertThat(invalid.json().path("status").asInt()).isEqualTo(400);
    }
}
