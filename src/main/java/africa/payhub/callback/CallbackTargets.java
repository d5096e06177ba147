package africa.payhub.callback;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

import africa.payhub.canonical.Refusal;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.HubProperties;
import org.springframework.stereotype.Component;

/**
 * Where the hub may POST a client's callbacks: http or https (https only when
 * {@code hub.callbacks.require-https}, as in prod), no user info, and every address the host resolves to
 * public. Loopback, link-local, private, carrier-grade NAT, unique-local, multicast and unspecified
 * addresses are refused unless the client is allowed private ones ({@code hub.clients.<id>.callback-allow-private});
 * cloud metadata addresses are refused always. Checked when a message is accepted and again, after a fresh
 * DNS resolution, before every delivery.
 */
@Component("callbackTargets")
public class CallbackTargets {

    private final ClientRegistry clients;
    private final boolean requireHttps;

    public CallbackTargets(ClientRegistry clients, HubProperties properties) {
        this.clients = clients;
        this.requireHttps = properties.callbacks().requireHttps();
    }

    /** At acceptance: a 400 naming the field when the URL is not one the hub will call for this client. */
    public void requireAllowed(String clientId, String url, String field) {
        refusal(clientId, url).ifPresent(reason -> {
            throw Refusal.invalid(field, reason);
        });
    }

    /** Why the hub will not call this URL for this client, or empty when it will. */
    public Optional<String> refusal(String clientId, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && !requireHttps)) {
            return Optional.of(requireHttps ? "must be an https URL" : "must be an http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry a user name or password");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return Optional.of("must name a host");
        }
        boolean allowPrivate = clients.client(clientId).map(HubProperties.Client::callbackAllowPrivate).orElse(false);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.of("names a host that does not resolve");
        }
        for (InetAddress a : addresses) {
            if (metadata(a)) {
                return Optional.of("must not point at a cloud metadata address");
            }
            if (!allowPrivate && !publicAddress(a)) {
                return Optional.of("must point at a public address (loopback, link-local and private networks are "
                        + "refused unless the client is allowed them)");
            }
        }
        return Optional.empty();
    }

    static boolean metadata(InetAddress a) {
        String ip = a.getHostAddress();
        return ip.equals("169.254.169.254") || ip.equals("169.254.170.2") || ip.startsWith("fd00:ec2:0:0:0:0:0:254");
    }

    static boolean publicAddress(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0 && !(first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0)          // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19))             // benchmarking
                    && first < 240;                                                   // reserved, broadcast
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return false; // unique local fc00::/7
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return publicAddress(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
