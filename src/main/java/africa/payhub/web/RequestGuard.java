package africa.payhub.web;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import africa.payhub.data.DataRequestProperties;
import africa.payhub.config.HubProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits before work, ahead of authentication and of any route: a request body is read here, once, with a
 * size limit ({@code hub.limits.max-body-bytes}: 413 as soon as the declared or read length passes it), a
 * deadline for the whole body ({@code hub.limits.body-read-timeout}: a body trickled byte by byte gets a
 * 408 and its connection closed) and at most {@code hub.limits.reads-per-address} bodies being read at once
 * from one address (429). On the hub's own endpoints (API, webhooks, partner calls) a body must be JSON in
 * UTF-8: a form post is a 415, other bytes a 400, text no endpoint takes a 400 ({@link InputScan}). Every refusal is a problem document and one log line
 * naming no byte of the body. What passed is handed on from memory.
 */
public class RequestGuard extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);

    private final int maxBodyBytes;
    private final int maxDataRequestBytes;
    private final long deadlineNanos;
    private final int readsPerAddress;
    private final ObjectMapper mapper;
    private final ConcurrentHashMap<String, AtomicInteger> reading = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong slowBodies = new AtomicLong();
    private volatile long lastSlowBodyNanos;

    public RequestGuard(HubProperties.Limits limits, DataRequestProperties dataRequests, ObjectMapper mapper) {
        this.maxBodyBytes = limits.maxBodyBytes();
        this.maxDataRequestBytes = Math.max(limits.maxBodyBytes(), dataRequests.maxBodyBytes());
        this.deadlineNanos = limits.bodyReadTimeout().toNanos();
        this.readsPerAddress = limits.readsPerAddress();
        this.mapper = mapper;
    }

    /** Requests being served now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Requests refused here since start (too large, too slow, too many at once, not JSON). */
    public long refused() {
        return refused.get();
    }

    /** Bodies cut off at the read deadline since start. */
    public long slowBodies() {
        return slowBodies.get();
    }

    /** Whether a body was cut off at the deadline within the last {@code window}. */
    public boolean slowBodySince(Duration window) {
        return slowBodies.get() > 0 && System.nanoTime() - lastSlowBodyNanos < window.toNanos();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        inFlight.incrementAndGet();
        try {
            guard(request, response, chain);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void guard(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasBody(request)) {
            chain.doFilter(request, response);
            return;
        }
        String path = request.getRequestURI();
        boolean hubEndpoint = path.startsWith("/api/") || path.startsWith("/webhooks/") || path.startsWith("/partners/");
        // a data request may carry a settlements file: its own, larger limit (hub.data-requests.max-body-bytes)
        int maxBodyBytes = path.startsWith("/api/v1/data-requests") ? maxDataRequestBytes : this.maxBodyBytes;
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            refuse(request, response, Problem.of(413, "Content Too Large",
                    "The request body is " + declared + " bytes; the limit is " + maxBodyBytes), true);
            return;
        }
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (hubEndpoint && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/"))) {
            refuse(request, response, Problem.of(415, "Unsupported Media Type",
                    "Send the body as application/json"), true);
            return;
        }
        String address = String.valueOf(request.getRemoteAddr());
        AtomicInteger mine = reading.computeIfAbsent(address, a -> new AtomicInteger());
        if (mine.incrementAndGet() > readsPerAddress) {
            release(address, mine);
            refuse(request, response, Problem.of(429, "Too Many Requests",
                    "Too many request bodies are being sent from this address at once"), true);
            return;
        }
        byte[] body;
        try {
            body = read(request.getInputStream(), maxBodyBytes);
        } catch (TooLarge e) {
            refuse(request, response, Problem.of(413, "Content Too Large",
                    "The request body is larger than " + maxBodyBytes + " bytes"), true);
            return;
        } catch (TooSlow e) {
            slowBodies.incrementAndGet();
            lastSlowBodyNanos = System.nanoTime();
            refuse(request, response, Problem.of(408, "Request Timeout",
                    "The request body did not arrive in time"), true);
            return;
        } catch (IOException e) {
            if (timedOut(e)) {
                slowBodies.incrementAndGet();
                lastSlowBodyNanos = System.nanoTime();
                refuse(request, response, Problem.of(408, "Request Timeout", "The request body did not arrive in time"), true);
            } else {
                refuse(request, response, Problem.of(400, "Bad Request", "The request body could not be read"), true);
            }
            return;
        } finally {
            release(address, mine);
        }
        if (hubEndpoint && !utf8(body)) {
            refuse(request, response, Problem.of(400, "Bad Request",
                    "The request body must be JSON in UTF-8; it is not valid UTF-8"), false);
            return;
        }
        java.util.List<africa.payhub.canonical.FieldError> problems = hubEndpoint ? InputScan.bodyProblems(path, body)
                : java.util.List.of();
        if (!problems.isEmpty()) {
            refuse(request, response, new Problem(400, "Bad Request", "The request body holds text the hub does not accept",
                    problems), false);
            return;
        }
        chain.doFilter(new ReadBody(request, body), response);
    }

    private void release(String address, AtomicInteger counter) {
        if (counter.decrementAndGet() <= 0) {
            reading.remove(address, counter);
        }
    }

    private byte[] read(InputStream in, int maxBodyBytes) throws IOException {
        long started = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBodyBytes, 8192));
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (System.nanoTime() - started > deadlineNanos) {
                throw new TooSlow();
            }
            out.write(buffer, 0, n);
            if (out.size() > maxBodyBytes) {
                throw new TooLarge();
            }
        }
        if (System.nanoTime() - started > deadlineNanos) {
            throw new TooSlow();
        }
        return out.toByteArray();
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, Problem problem, boolean close)
            throws IOException {
        refused.incrementAndGet();
        LOG.warn("Refused {} {} from {}: {} {}", request.getMethod(), request.getRequestURI(), request.getRemoteAddr(),
                problem.status(), problem.title());
        if (close) {
            // the rest of the body is not read: the connection cannot carry another request
            response.setHeader("Connection", "close");
        }
        problem.write(response, mapper);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasBody(HttpServletRequest request) {
        String method = request.getMethod();
        return ("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method))
                && (request.getContentLengthLong() != 0);
    }

    private static boolean utf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static final class TooLarge extends IOException {
    }

    private static final class TooSlow extends IOException {
    }

    /** The request with its body already in memory. */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            // the buffer sized to the body (a few hundred bytes), not the default 8,192 chars per request
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8),
                    Math.max(64, Math.min(body.length, 8192)));
        }
    }
}
