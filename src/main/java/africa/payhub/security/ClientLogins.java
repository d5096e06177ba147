package africa.payhub.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The API logins of clients (role CLIENT) and operators (role OPERATOR). Secrets are held only as salted
 * BCrypt hashes: a configured secret is hashed at start, or configured already hashed ({@code {bcrypt}$2a$...}).
 * A client may have two active secrets ({@code secret} and {@code next-secret}) while it rotates. A login
 * verified once is remembered while it is used (and five minutes after) under a keyed digest (a random key of
 * this process), so the slow hash is paid once per caller, not on every request.
 *
 * <p>Before any hash: a name locked out from the caller's address is refused (even with the right secret), and
 * so is, when its login is not already verified, an address with too many recent failures whatever the names
 * ({@link LoginAttempts}); the hash itself runs on the bounded password-check pool, which refuses when full.
 * Those refusals are {@link TooManyLogins} (429), the others 401.
 */
public class ClientLogins implements AuthenticationProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ClientLogins.class);

    private record Account(List<String> hashes, String role) {
    }

    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final PasswordEncoder encoder;
    private final String unknownUserHash;
    private final Mac prototype;
    private final Cache<String, Boolean> verified = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(5)).build();
    private final LoginAttempts attempts;

    /** The realm of the API's logins in {@link LoginAttempts}. */
    static final String REALM = "api";

    /** A login refused before its secret was checked: 429 with {@code Retry-After}. */
    public static final class TooManyLogins extends AuthenticationException {

        private final long retryAfterSeconds;

        TooManyLogins(LoginAttempts.Refused refused) {
            super(refused.getMessage());
            this.retryAfterSeconds = refused.retryAfterSeconds();
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    public ClientLogins(ClientRegistry registry, int bcryptStrength, LoginAttempts attempts) {
        this.attempts = attempts;
        this.encoder = new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(bcryptStrength)));
        byte[] cacheKey = new byte[32];
        new SecureRandom().nextBytes(cacheKey);
        try {
            this.prototype = Mac.getInstance("HmacSHA256");
            this.prototype.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.unknownUserHash = encoder.encode("an unknown user is checked as slowly as a known one");
        registry.clients().forEach((id, client) -> add(id, "CLIENT", client.secret(), client.nextSecret()));
        registry.operators().forEach((name, operator) -> {
            if (registry.clients().containsKey(name)) {
                throw new IllegalStateException("'" + name + "' is configured both as a client and as an operator");
            }
            add(name, "OPERATOR", operator.secret(), null);
        });
    }

    private void add(String name, String role, Secret... secrets) {
        List<String> hashes = new ArrayList<>();
        for (Secret s : secrets) {
            if (s != null && !s.isBlank()) {
                hashes.add(hashed(s.reveal()) ? s.reveal() : encoder.encode(s.reveal()));
            }
        }
        if (hashes.isEmpty()) {
            LOG.warn("{} '{}' has no secret configured and cannot log in", role.toLowerCase(java.util.Locale.ROOT), name);
            return;
        }
        accounts.put(name, new Account(List.copyOf(hashes), role));
    }

    /** Whether a configured secret is already a hash ({@code {bcrypt}...}). */
    public static boolean hashed(String secret) {
        return secret != null && secret.startsWith("{bcrypt}");
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String name = authentication.getName();
        Object credentials = authentication.getCredentials();
        String raw = credentials == null ? "" : credentials.toString();
        String address = authentication.getDetails() instanceof WebAuthenticationDetails d ? d.getRemoteAddress() : null;
        try {
            attempts.requireNotLockedOut(REALM, name, address);
            Account account = accounts.get(name);
            String key = digest(name, raw);
            // a login that needs a password check holds a place in its address's bound until the check ends
            try (LoginAttempts.Admission admission = account == null || verified.getIfPresent(key) == null
                    ? attempts.admit(address) : null) {
                if (account == null) {
                    // as slow as a known name's check, so a name's existence does not show in the time taken
                    attempts.check(() -> encoder.matches(raw, unknownUserHash));
                    attempts.failed(REALM, name, address, admission);
                    throw new BadCredentialsException("bad credentials");
                }
                // callers arriving together with the same login wait for one slow hash rather than each paying it;
                // a refusal is thrown out of the loader and nothing is remembered
                verified.get(key, k -> {
                    boolean ok = attempts.check(() -> {
                        boolean any = false;
                        for (String hash : account.hashes()) {
                            any |= encoder.matches(raw, hash);
                        }
                        return any;
                    });
                    if (!ok) {
                        attempts.failed(REALM, name, address, admission);
                        throw new BadCredentialsException("bad credentials");
                    }
                    return Boolean.TRUE;
                });
            }
            attempts.succeeded(REALM, name, address);
            return UsernamePasswordAuthenticationToken.authenticated(name, null,
                    AuthorityUtils.createAuthorityList("ROLE_" + account.role()));
        } catch (LoginAttempts.Refused e) {
            throw new TooManyLogins(e);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private String digest(String name, String raw) {
        Mac mac = mac();
        mac.update(name.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return HexFormat.of().formatHex(mac.doFinal(raw.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A keyed MAC, copied from one made at start: looking up the algorithm's provider and initialising the key
     * on every request cost more than the digest (whatever the threads, platform or virtual).
     */
    private Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
