package africa.payhub.web;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The web server accepts connections before the routes run (and while the hub shuts down). Until the hub
 * is ready (Spring's readiness state, ACCEPTING_TRAFFIC once every route has started), every request but
 * the health endpoints is answered 503 with {@code Retry-After}, never the 404 an unknown path would get:
 * a client that takes 404 as final would drop its payment.
 */
@Configuration(proxyBeanMethods = false)
public class ReadinessFilter {

    /** Seconds a client is asked to wait before trying again. */
    static final String RETRY_AFTER = "2";

    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> readinessGate(ApplicationAvailability availability,
                                                                      ObjectMapper mapper) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC
                        || request.getRequestURI().startsWith("/actuator/")) {
                    chain.doFilter(request, response);
                    return;
                }
                response.setHeader("Retry-After", RETRY_AFTER);
                Problem.of(503, "Service Unavailable", "the hub is starting or stopping; try again shortly")
                        .write(response, mapper);
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }
}
