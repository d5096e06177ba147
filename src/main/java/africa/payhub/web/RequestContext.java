package africa.payhub.web;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import africa.payhub.logging.LogContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.task.TaskDecorator;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request id for every HTTP request: the caller's {@code X-Request-Id} when it is a plain token (1-64 of
 * {@code [A-Za-z0-9._:-]}), else a new one; answered in the same header and put in the log context
 * ({@code requestId}). Camel's platform-http serves a request on the application task executor, so the
 * executor's {@link TaskDecorator} carries the log context over to that thread (and clears it after).
 */
@Configuration(proxyBeanMethods = false)
public class RequestContext {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> requestIdFilter() {
        FilterRegistrationBean<OncePerRequestFilter> bean = new FilterRegistrationBean<>(new RequestIdFilter());
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }

    /** Copies the submitting thread's log context to the task (Spring Boot applies it to its task executor). */
    @Bean
    public TaskDecorator logContextDecorator() {
        return task -> {
            Map<String, String> context = MDC.getCopyOfContextMap();
            return () -> {
                Map<String, String> before = MDC.getCopyOfContextMap();
                if (context == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(context);
                }
                try {
                    task.run();
                } finally {
                    if (before == null) {
                        MDC.clear();
                    } else {
                        MDC.setContextMap(before);
                    }
                }
            };
        };
    }

    static final class RequestIdFilter extends OncePerRequestFilter {

        private static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            // a request whose body arrived without a thread goes on in a second dispatch: the same id
            String id = (String) request.getAttribute(ATTRIBUTE);
            if (id == null) {
                String given = request.getHeader(HEADER);
                id = given != null && ACCEPTABLE.matcher(given).matches() ? given : UUID.randomUUID().toString();
                request.setAttribute(ATTRIBUTE, id);
                response.setHeader(HEADER, id);
            }
            try (LogContext log = LogContext.with(LogContext.REQUEST_ID, id)) {
                chain.doFilter(request, response);
            }
        }

        @Override
        protected boolean shouldNotFilterAsyncDispatch() {
            return false;
        }
    }
}
