package africa.payhub.web;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import africa.payhub.config.ClientRegistry;
import africa.payhub.data.DataRequestProperties;
import africa.payhub.logging.LogContext;
import africa.payhub.security.Caller;
import africa.payhub.config.HubProperties;
import africa.payhub.security.ClientLogins;
import africa.payhub.security.LoginAttempts;
import africa.payhub.provider.WebhookSenders;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConstructorArgumentValues;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.PathPatternRequestMatcherBuilderFactoryBean;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.AbstractSecurityWebApplicationInitializer;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic for enterprise clients (role CLIENT) and operators (role OPERATOR) on /api/**.
 * Webhooks, the sandbox and partner endpoints authenticate themselves (signatures, their own Basic).
 * Failures answer with RFC 9457 problem documents, never an HTML page. Ahead of all of it: body limits
 * ({@link RequestGuard}), then the anonymous rate limits ({@link AccessLimits}); failed logins are counted and
 * locked out where they are checked ({@link ClientLogins}, {@link LoginAttempts}).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SecurityConfig.class);

    /**
     * No observation of Spring Security's own filters, logins and access decisions: switched off by name
     * ({@code management.observations.enable.spring.security}) the observations still wrap every filter of
     * every request and ask the name filter each time; without them the chain is plain. The HTTP server's
     * own timings ({@code http.server.requests}) stay.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's request matchers ({@code securityMatcher}, {@code requestMatchers}) as path patterns read
     * by Spring MVC's own parser ({@code PathPatternRequestMatcher}), not as Spring MVC matchers: an
     * {@code MvcRequestMatcher} asks Spring MVC which handler would serve the request, so Spring Security wraps its
     * chain in a filter that looks the handler up for every request ahead of the dispatcher servlet, which looks it
     * up again. The patterns are the same; what they match is the same for the hub's paths (every API path is a
     * platform-http route of Spring MVC's one handler mapping). See {@link #withoutHandlerLookup}.
     */
    @Bean
    static PathPatternRequestMatcherBuilderFactoryBean requestMatchers() {
        return new PathPatternRequestMatcherBuilderFactoryBean();
    }

    /**
     * Spring Security's filter chain without the handler look-up put ahead of it for {@code MvcRequestMatcher}s
     * ({@code HandlerMappingIntrospector}'s cache filter, which Spring Security adds whenever Spring MVC is
     * present): no matcher of the hub asks Spring MVC ({@link #requestMatchers}), so the look-up found what
     * nothing read, a second handler look-up per request. Runs after every registry post-processor, so after the
     * ones that wrapped the chain (in that filter, and in the filter that parses the request's path once for the
     * path patterns, which stays); a chain not wrapped as expected is left as it is.
     */
    @Bean
    static BeanFactoryPostProcessor withoutHandlerLookup() {
        return beanFactory -> {
            String name = AbstractSecurityWebApplicationInitializer.DEFAULT_FILTER_NAME;
            if (!(beanFactory instanceof BeanDefinitionRegistry registry) || !registry.containsBeanDefinition(name)) {
                return;
            }
            BeanDefinition chain = registry.getBeanDefinition(name);
            BeanDefinition without = withoutHandlerLookup(chain);
            if (without == null) {
                LOG.warn("Spring Security's filter chain is not wrapped as expected; its handler look-up stays");
            } else if (without != chain) {
                registry.removeBeanDefinition(name);
                registry.registerBeanDefinition(name, without);
            }
        };
    }

    /**
     * {@code chain} without the handler look-up filter: the chain it wrapped (in place when it is nested deeper),
     * or null when none was found.
     */
    private static BeanDefinition withoutHandlerLookup(BeanDefinition chain) {
        ConstructorArgumentValues.ValueHolder arg = chain.getConstructorArgumentValues().getIndexedArgumentValue(0, null);
        if (chain.getBeanClassName() == null || !chain.getBeanClassName().endsWith("$CompositeFilterChainProxy")
                || arg == null || !(arg.getValue() instanceof List<?> filters) || filters.size() != 2) {
            return null;
        }
        for (int i = 0; i < 2; i++) {
            if (filters.get(i) instanceof BeanDefinition f && f.getBeanClassName() != null
                    && f.getBeanClassName().endsWith("$HandlerMappingIntrospectorCacheFilterFactoryBean")
                    && filters.get(1 - i) instanceof BeanDefinition wrapped) {
                return wrapped;
            }
        }
        for (int i = 0; i < 2; i++) {
            if (filters.get(i) instanceof BeanDefinition nested) {
                BeanDefinition without = withoutHandlerLookup(nested);
                if (without != null) {
                    @SuppressWarnings("unchecked")
                    List<Object> list = (List<Object>) filters;
                    list.set(i, without);
                    return chain;
                }
            }
        }
        return null;
    }

    @Bean(destroyMethod = "close")
    public LoginAttempts loginAttempts(HubProperties properties) {
        return new LoginAttempts(properties.limits());
    }

    @Bean
    public ClientLogins clientLogins(ClientRegistry registry, LoginAttempts attempts,
                                     @Value("${hub.security.bcrypt-strength:10}") int bcryptStrength) {
        return new ClientLogins(registry, bcryptStrength, attempts);
    }

    @Bean
    public AccessLimits accessLimits(HubProperties properties, ObjectMapper mapper, WebhookSenders webhookSenders) {
        return new AccessLimits(properties.limits(), mapper, webhookSenders::senders);
    }

    @Bean
    public RequestGuard requestGuard(HubProperties properties, DataRequestProperties dataRequests, ObjectMapper mapper) {
        return new RequestGuard(properties.limits(), dataRequests, mapper);
    }

    /**
     * The body limits first (every body is read there, without holding a thread while it arrives), then the
     * anonymous rate limits, which need to know how a request ended: both ahead of Spring Security.
     */
    @Bean
    public FilterRegistrationBean<RequestGuard> requestGuardFilter(RequestGuard guard) {
        FilterRegistrationBean<RequestGuard> r = new FilterRegistrationBean<>(guard);
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return r;
    }

    /** Text no endpoint takes in a URL (NUL, control characters, card numbers on the API): before any body is read. */
    @Bean
    public FilterRegistrationBean<InputScan> inputScanFilter(ObjectMapper mapper) {
        FilterRegistrationBean<InputScan> r = new FilterRegistrationBean<>(new InputScan(mapper));
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 15);
        return r;
    }

    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> accessLimitFilter(AccessLimits limits) {
        FilterRegistrationBean<OncePerRequestFilter> r = new FilterRegistrationBean<>(limits.filter());
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return r;
    }

    @Bean
    public SecurityFilterChain api(HttpSecurity http, ObjectMapper mapper, ClientLogins logins, AccessLimits limits)
            throws Exception {
        // only the API and the actuator: webhooks, partner endpoints and the sandbox check their own
        // credentials, and must not have their Basic headers taken for hub logins
        http.securityMatcher("/api/**", "/actuator/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                // the logins alone, with no parent manager to try the same login a second time when it fails
                .authenticationManager(new ProviderManager(logins))
                .httpBasic(b -> b.authenticationEntryPoint((req, res, e) -> unauthorized(req, res, e, mapper)))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> unauthorized(req, res, ex, mapper))
                        .accessDeniedHandler((req, res, ex) -> Problem.of(403, "Forbidden",
                                "This operation needs the OPERATOR role").write(res, mapper)))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/api/v1/openapi.json", "/api/v1/schema/**").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/payments/*/resolution").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.POST, "/api/v1/payments/*/authorization",
                                "/api/v1/payments/*/authorization/resend", "/api/v1/batches/*/authorization")
                        .hasAnyRole("CLIENT", "OPERATOR")
                        .requestMatchers(HttpMethod.GET, "/api/v1/ops/**").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.POST, "/api/v1/ops/reconciliations").hasRole("OPERATOR")
                        .requestMatchers("/api/v1/providers/**").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.GET, "/api/v1/payments", "/api/v1/payments/**", "/api/v1/callbacks",
                                "/api/v1/batches", "/api/v1/batches/**", "/api/v1/data-requests", "/api/v1/data-requests/**")
                        .hasAnyRole("CLIENT", "OPERATOR")
                        .requestMatchers(HttpMethod.POST, "/api/v1/payments/*/events/*/redeliver").hasAnyRole("CLIENT", "OPERATOR")
                        .requestMatchers("/api/**").hasRole("CLIENT")
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .anyRequest().hasRole("OPERATOR"))
                .addFilterAfter(new CallerFilter(limits), AuthorizationFilter.class);
        return http.build();
    }

    /**
     * The operations console (/ops/): static files, no data; its script calls the API with the operator's
     * Basic credentials. Served with a strict content security policy (its own scripts and styles only).
     */
    @Bean
    public SecurityFilterChain console(HttpSecurity http) throws Exception {
        return staticPages(http, "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'",
                "/ops", "/ops/**");
    }

    /**
     * The API reference (/api/docs/) and the Swagger UI files it loads (/webjars/swagger-ui/): static, public like
     * the document itself, with a content security policy that lets the page load nothing but the hub's own files
     * (Swagger UI sets styles inline). Ahead of the API's chain, which would otherwise take /api/docs.
     */
    @Bean
    @Order(1)
    public SecurityFilterChain apiReference(HttpSecurity http) throws Exception {
        return staticPages(http, "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                + "frame-ancestors 'none'; form-action 'none'", "/api/docs", "/api/docs/**", "/webjars/swagger-ui/**");
    }

    /** Static pages anyone may load, under a content security policy of their own. */
    private static SecurityFilterChain staticPages(HttpSecurity http, String policy, String... paths) throws Exception {
        http.securityMatcher(paths)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(policy)))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    /**
     * 401 with a problem document; the Basic challenge is left out for the console's own requests
     * ({@code X-Requested-With}), so a wrong password shows in the page rather than in a browser dialog. A login
     * refused before its secret was checked (locked out, or the password checks are full) is a 429 with
     * {@code Retry-After}.
     */
    private static void unauthorized(HttpServletRequest req, HttpServletResponse res, AuthenticationException e,
                                     ObjectMapper mapper) throws IOException {
        if (e instanceof ClientLogins.TooManyLogins refused) {
            res.setHeader("Retry-After", String.valueOf(refused.retryAfterSeconds()));
            Problem.of(429, "Too Many Requests", refused.getMessage()).write(res, mapper);
            return;
        }
        if (req.getHeader("X-Requested-With") == null) {
            res.setHeader("WWW-Authenticate", "Basic realm=\"payment-hub\"");
        }
        Problem.of(401, "Unauthorized", "HTTP Basic credentials are missing or wrong").write(res, mapper);
    }

    /**
     * Camel's platform-http serves the request on another thread, where the security context is not
     * visible; the authenticated caller travels as a request attribute instead.
     */
    static final class CallerFilter extends OncePerRequestFilter {

        private final AccessLimits limits;

        CallerFilter(AccessLimits limits) {
            this.limits = limits;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth != null && auth.isAuthenticated() && auth.getAuthorities() != null) {
                boolean operator = auth.getAuthorities().stream().anyMatch(g -> "ROLE_OPERATOR".equals(g.getAuthority()));
                boolean client = auth.getAuthorities().stream().anyMatch(g -> "ROLE_CLIENT".equals(g.getAuthority()));
                if (operator || client) {
                    if (!limits.clientMayProceed(auth.getName())) {
                        limits.tooMany(response, "Too many requests from this client; slow down", 1);
                        return;
                    }
                    request.setAttribute(Caller.REQUEST_ATTRIBUTE, new Caller(auth.getName(), operator));
                    try (LogContext log = LogContext.with(client ? LogContext.CLIENT_ID : "operator", auth.getName())) {
                        chain.doFilter(request, response);
                    }
                    return;
                }
            }
            chain.doFilter(request, response);
        }
    }
}
