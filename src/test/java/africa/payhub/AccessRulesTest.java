package africa.payhub;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.lang.reflect.Field;

import jakarta.servlet.Filter;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.CompositeFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call what on the API, rule by rule of {@code SecurityConfig}: anonymous callers get 401, a client 403 on
 * what is the operators' alone (and an operator 403 on what is the clients' alone), whatever way the path is
 * written. The rules are path patterns Spring Security matches itself, with no handler look-up ahead of the chain.
 */
class AccessRulesTest extends HubTestSupport {

    /** The answer of Spring Security's access decision (an answer of the API itself says why in its own words). */
    private static final String ROLE_REFUSAL = "This operation needs the OPERATOR role";

    @Autowired
    ApplicationContext context;

    @Test
    void eachRuleAdmitsItsRolesAndRefusesTheOthers() {
        // public
        assertThat(call("GET", "/api/v1/openapi.json", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
        // every other path of the API and the actuator wants a login
        for (String path : new String[] {"/api/v1/payments", "/api/v1/ops/summary", "/api/v1/providers/monnify/x",
                "/api/v1/nothing-here", "/actuator/prometheus"}) {
            assertThat(call("GET", path, null).statusCode()).as(path).isEqualTo(401);
        }
        // the operators' alone
        for (String[] c : new String[][] {{"GET", "/api/v1/ops/summary"}, {"POST", "/api/v1/ops/reconciliations"},
                {"GET", "/api/v1/providers/monnify/x"}, {"POST", "/api/v1/payments/x/resolution"},
                {"GET", "/actuator/prometheus"}}) {
            assertRoleRefused(call(c[0], c[1], CLIENT), c[0] + " " + c[1]);
        }
        assertThat(call("GET", "/api/v1/ops/summary", OPERATOR).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/actuator/prometheus", OPERATOR).statusCode()).isEqualTo(200);
        assertRoleAdmitted(call("POST", "/api/v1/payments/x/resolution", OPERATOR), "resolution by an operator");
        // both roles
        for (String[] c : new String[][] {{"GET", "/api/v1/payments"}, {"GET", "/api/v1/payments/x"},
                {"GET", "/api/v1/payments/x/events"}, {"GET", "/api/v1/batches/x"}, {"GET", "/api/v1/callbacks"},
                {"GET", "/api/v1/data-requests/x"}, {"POST", "/api/v1/payments/x/events/y/redeliver"},
                {"POST", "/api/v1/payments/x/authorization"}, {"POST", "/api/v1/batches/x/authorization"}}) {
            assertRoleAdmitted(call(c[0], c[1], CLIENT), "client: " + c[0] + " " + c[1]);
            assertRoleAdmitted(call(c[0], c[1], OPERATOR), "operator: " + c[0] + " " + c[1]);
        }
        // the clients' alone: the rest of the API
        assertRoleAdmitted(call("POST", "/api/v1/payments", CLIENT), "a client's payment");
        assertRoleRefused(call("POST", "/api/v1/payments", OPERATOR), "an operator's payment");
        assertRoleRefused(call("POST", "/api/v1/lookups/x", OPERATOR), "an operator's lookup");
    }

    @Test
    void anOperatorsPathWrittenAnotherWayIsNeverAClientsToRead() {
        for (String path : new String[] {"/api/v1/ops/summary/", "/api/v1/ops//summary", "/api/v1//ops/summary",
                "/api/v1/ops/./summary", "/api/v1/x/../ops/summary", "/api/v1/ops;x=1/summary", "/api/v1/%6Fps/summary",
                "/api/v1/ops%2Fsummary", "/API/v1/ops/summary", "/api/v1/OPS/summary", "/api/v1/ops/summary?x=1"}) {
            int status = call("GET", path, CLIENT).statusCode();
            assertThat(status / 100).as(path + ": " + status).isNotEqualTo(2);
        }
        for (String path : new String[] {"/api/v1/payments/x/resolution/", "/api/v1/payments/x/resolution;x=1",
                "/api/v1/payments/x/%72esolution", "/api/v1/payments/x/Resolution"}) {
            int status = call("POST", path, CLIENT).statusCode();
            assertThat(status).as(path).isIn(400, 403, 404, 405);
        }
    }

    @Test
    void noMatcherAsksSpringMvcForTheHandler() throws ReflectiveOperationException {
        FilterChainProxy chain = context.getBean("springSecurityFilterChain", FilterChainProxy.class);
        assertThat(filters(chain)).noneMatch(f -> f.getClass().getName().contains("HandlerMappingIntrospector"));
        for (SecurityFilterChain c : chain.getFilterChains()) {
            RequestMatcher m = ((DefaultSecurityFilterChain) c).getRequestMatcher();
            assertThat(m.toString()).doesNotContain("Mvc").contains("PathPattern [");
        }
    }

    /** The filters Spring Security's chain runs ahead of its own chains (the wrappers Spring Security adds). */
    private static List<Filter> filters(Filter filter) throws ReflectiveOperationException {
        List<Filter> out = new ArrayList<>(List.of(filter));
        if (filter instanceof FilterChainProxy && filter.getClass() != FilterChainProxy.class) {
            Field delegate = filter.getClass().getDeclaredField("doFilterDelegate");
            delegate.setAccessible(true);
            Field list = CompositeFilter.class.getDeclaredField("filters");
            list.setAccessible(true);
            for (Object f : (List<?>) list.get(delegate.get(filter))) {
                out.addAll(filters((Filter) f));
            }
        }
        return out;
    }

    private static void assertRoleRefused(HttpResponse<String> r, String what) {
        assertThat(r.statusCode()).as(what).isEqualTo(403);
        assertThat(r.body()).as(what).contains(ROLE_REFUSAL);
    }

    private static void assertRoleAdmitted(HttpResponse<String> r, String what) {
        assertThat(r.statusCode()).as(what + ": " + r.body()).isNotEqualTo(401);
        assertThat(r.body()).as(what).doesNotContain(ROLE_REFUSAL);
    }

    /** A request as written (no contract check: some of these paths are no path of the API). */
    private static HttpResponse<String> call(String method, String path, String credentials) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, "POST".equals(method) ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
