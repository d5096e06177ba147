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
        InetAddress v4 = embeddedIpv4(a);
        if (v4 != null) {
            return metadata(v4);
        }
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
            InetAddress v4 = embeddedIpv4(a);
            if (v4 != null) {
                return publicAddress(v4); // an IPv4 address inside an IPv6 one is as public as it is
            }
            int first16 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
            int second16 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            if (first16 == 0x2001 && (second16 == 0x0000 || second16 == 0x0db8)) {
                return false; // Teredo 2001::/32 (a tunnel to any IPv4 address), documentation 2001:db8::/32
            }
            if (first16 == 0x0100 && second16 == 0 && zero(b, 4, 8)) {
                return false; // discard-only 100::/64
            }
        }
        return true;
    }

    /**
     * The IPv4 address an IPv6 one carries, or null: IPv4-mapped {@code ::ffff:a.b.c.d} and IPv4-compatible
     * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96} and {@code 64:ff9b:1::/48}, and 6to4 {@code 2002::/16}
     * (the address in its bits 16-47). Each reaches the IPv4 host through a translator or a tunnel.
     */
    static InetAddress embeddedIpv4(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return null;
        }
        byte[] b = a.getAddress();
        int at = -1;
        if (zero(b, 0, 10) && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
            at = 12;
        } else if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b
                && (zero(b, 4, 12) || (b[4] == 0 && b[5] == 1))) {
            at = 12;
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            at = 2;
        }
        if (at < 0) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
