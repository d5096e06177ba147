package africa.payhub.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import africa.payhub.config.ClientRegistry;
import africa.payhub.logging.LogContext;
import africa.payhub.security.Caller;
import africa.payhub.security.DigestPasswordEncoder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic for enterprise clients (role CLIENT) and operators (role OPERATOR) on /api/**.
 * Webhooks, the sandbox and partner endpoints authenticate themselves (signatures, their own Basic).
 * Failures answer with RFC 9457 problem documents, never an HTML page.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SecurityConfig.class);

    @Bean
    public PasswordEncoder passwordEncoder() {
        return new DigestPasswordEncoder();
    }

    @Bean
    public UserDetailsService users(ClientRegistry registry, PasswordEncoder encoder) {
        List<UserDetails> users = new ArrayList<>();
        registry.clients().forEach((id, client) -> {
            if (client.secret() == null || client.secret().isBlank()) {
                LOG.warn("Client '{}' has no secret configured and cannot log in", id);
                return;
            }
            users.add(User.withUsername(id).password(encoder.encode(client.secret().reveal())).roles("CLIENT").build());
        });
        registry.operators().forEach((name, operator) -> {
            if (registry.clients().containsKey(name)) {
                throw new IllegalStateException("'" + name + "' is configured both as a client and as an operator");
            }
            if (operator.secret() == null || operator.secret().isBlank()) {
                LOG.warn("Operator '{}' has no secret configured and cannot log in", name);
                return;
            }
            users.add(User.withUsername(name).password(encoder.encode(operator.secret().reveal())).roles("OPERATOR").build());
        });
        return new InMemoryUserDetailsManager(users);
    }

    @Bean
    public SecurityFilterChain api(HttpSecurity http, ObjectMapper mapper) throws Exception {
        // only the API and the actuator: webhooks, partner endpoints and the sandbox check their own
        // credentials, and must not have their Basic headers taken for hub logins
        http.securityMatcher("/api/**", "/actuator/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .httpBasic(b -> b.authenticationEntryPoint((req, res, e) -> unauthorized(req, res, mapper)))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> unauthorized(req, res, mapper))
                        .accessDeniedHandler((req, res, ex) -> Problem.of(403, "Forbidden",
                                "This operation needs the OPERATOR role").write(res, mapper)))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/api/v1/openapi.json", "/api/v1/schema/**").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/payments/*/resolution").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.POST, "/api/v1/payments/*/authorization",
                                "/api/v1/payments/*/authorization/resend", "/api/v1/batches/*/authorization")
                        .hasAnyRole("CLIENT", "OPERATOR")
                        .requestMatchers(HttpMethod.GET, "/api/v1/ops/**").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.GET, "/api/v1/payments", "/api/v1/payments/**", "/api/v1/callbacks",
                                "/api/v1/batches", "/api/v1/batches/**")
                        .hasAnyRole("CLIENT", "OPERATOR")
                        .requestMatchers(HttpMethod.POST, "/api/v1/payments/*/events/*/redeliver").hasAnyRole("CLIENT", "OPERATOR")
                        .requestMatchers("/api/**").hasRole("CLIENT")
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .anyRequest().hasRole("OPERATOR"))
                .addFilterAfter(new CallerFilter(), AuthorizationFilter.class);
        return http.build();
    }

    /**
     * The operations console (/ops/): static files, no data; its script calls the API with the operator's
     * Basic credentials. Served with a strict content security policy (its own scripts and styles only).
     */
    @Bean
    public SecurityFilterChain console(HttpSecurity http) throws Exception {
        http.securityMatcher("/ops", "/ops/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'")))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    /**
     * 401 with a problem document; the Basic challenge is left out for the console's own requests
     * ({@code X-Requested-With}), so a wrong password shows in the page rather than in a browser dialog.
     */
    private static void unauthorized(HttpServletRequest req, HttpServletResponse res, ObjectMapper mapper) throws IOException {
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
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth != null && auth.isAuthenticated() && auth.getAuthorities() != null) {
                boolean operator = auth.getAuthorities().stream().anyMatch(g -> "ROLE_OPERATOR".equals(g.getAuthority()));
                boolean client = auth.getAuthorities().stream().anyMatch(g -> "ROLE_CLIENT".equals(g.getAuthority()));
                if (operator || client) {
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
