package africa.payhub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;

/**
 * Another caller, as the hub sees it: HTTP/1.0 requests over a socket bound to a loopback address of its own
 * (127.0.0.2, 127.0.0.3, ...: all of 127/8 is this machine), so per-address limits and lockouts of one test
 * touch no other test's traffic (which comes from 127.0.0.1). Each answer is held against the OpenAPI document
 * ({@link ResponseContract}), like those of {@link HubTestSupport}'s helpers.
 */
final class FromAddress {

    private final String address;
    private final int port;

    FromAddress(String address, int port) {
        this.address = address;
        this.port = port;
    }

    /** A connection from this address to the hub, not yet sending anything. */
    Socket connect() throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(address, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
    }

    Answer get(String path, String credentials) {
        return send("GET", path, credentials, null);
    }

    Answer post(String path, String credentials, byte[] body, String... headers) {
        return send("POST", path, credentials, body, headers);
    }

    /** One request, the answer read to the end (HTTP/1.0: the hub closes the connection after it). */
    Answer send(String method, String path, String credentials, byte[] body, String... headers) {
        try (Socket s = connect()) {
            s.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.0\r\nHost: localhost\r\n");
            if (credentials != null) {
                head.append("Authorization: Basic ")
                        .append(Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))).append("\r\n");
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            Answer answer = Answer.parse(s.getInputStream());
            // the answers of other addresses obey the published document too, the refusals above all
            ResponseContract.INSTANCE.check(method, URI.create(path), answer.status(), answer.header("Content-Type"), answer.body());
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(address + " " + method + " " + path, e);
        }
    }

    /** An answer: its status, headers (names in lower case) and body. */
    record Answer(int status, Map<String, String> headers, String body) {

        static Answer parse(InputStream in) throws IOException {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String[] lines = (end < 0 ? all : all.substring(0, end)).split("\r\n");
            if (lines.length == 0 || lines[0].split(" ").length < 2) {
                throw new IOException("no HTTP answer: " + all);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, end < 0 ? "" : all.substring(end + 4));
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() {
            return Json.toNode(body);
        }
    }
}
