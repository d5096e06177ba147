package africa.payhub.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import africa.payhub.data.DataRequestProperties;
import africa.payhub.config.HubProperties;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
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
 * size limit ({@code hub.limits.max-body-bytes}: 413 as soon as the declared or read length passes it) and a
 * deadline for the whole body ({@code hub.limits.body-read-timeout}: a body trickled byte by byte gets a 408).
 * On the hub's own endpoints (API, webhooks, partner calls) a body must be JSON in UTF-8: a form post is a 415,
 * other bytes a 400, text no endpoint takes a 400 ({@link InputScan}). Every refusal is a problem document and one log line naming no byte of the body. What
 * passed is handed on from memory.
 *
 * <p>No request thread waits for a body. One that came whole with its headers (nearly every one) is taken
 * from the server's buffer at once; for the rest the thread is given back and the body is read as its bytes
 * arrive (the servlet's non-blocking input), then the request goes on through the remaining filters on a
 * thread again. At most {@code hub.limits.reads-per-address} such bodies from one address (429) and
 * {@code hub.limits.slow-reads} from all addresses (503) are awaited at once. A refusal before the body was
 * read closes the connection without reading the rest: the server would otherwise read (and wait for) it on a
 * request thread, which is all a slow sender wants.
 */
public class RequestGuard extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);

    /** The request attribute that carries a body read without a thread to the dispatch that goes on with it. */
    private static final String BODY = RequestGuard.class.getName() + ".body";

    private final int maxBodyBytes;
    private final int maxDataRequestBytes;
    private final long deadlineNanos;
    private final int readsPerAddress;
    private final int slowReadsMax;
    private final ObjectMapper mapper;
    private final ConcurrentHashMap<String, AtomicInteger> reading = new ConcurrentHashMap<>();
    private final AtomicInteger slowReads = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong slowBodies = new AtomicLong();
    private volatile long lastSlowBodyNanos;

    public RequestGuard(HubProperties.Limits limits, DataRequestProperties dataRequests, ObjectMapper mapper) {
        this.maxBodyBytes = limits.maxBodyBytes();
        this.maxDataRequestBytes = Math.max(limits.maxBodyBytes(), dataRequests.maxBodyBytes());
        this.deadlineNanos = limits.bodyReadTimeout().toNanos();
        this.readsPerAddress = limits.readsPerAddress();
        this.slowReadsMax = limits.slowReads();
        this.mapper = mapper;
    }

    /** Requests being served now, on a thread (bodies still arriving are not counted). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Bodies being awaited now, without a thread. */
    public int slowReads() {
        return slowReads.get();
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

    /** The dispatch that goes on once a body has arrived is filtered here too: it picks the body up. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isAsyncDispatch(request)) {
            Object body = request.getAttribute(BODY);
            if (!(body instanceof byte[] bytes)) {
                chain.doFilter(request, response);
                return;
            }
            request.removeAttribute(BODY);
            inFlight.incrementAndGet();
            try {
                proceed(request, response, chain, bytes);
            } finally {
                inFlight.decrementAndGet();
            }
            return;
        }
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
        long started = System.nanoTime();
        String path = request.getRequestURI();
        int maxBodyBytes = maxBodyBytes(path);
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            refuseUnread(request, response, Problem.of(413, "Content Too Large",
                    "The request body is " + declared + " bytes; the limit is " + maxBodyBytes));
            return;
        }
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (hubEndpoint(path) && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/"))) {
            refuseUnread(request, response, Problem.of(415, "Unsupported Media Type",
                    "Send the body as application/json"));
            return;
        }
        ServletInputStream in = request.getInputStream();
        Body body = new Body(declared, maxBodyBytes);
        if (declared > 0) {
            try {
                // what arrived with the headers is in the server's buffer: taken without waiting
                while (!body.complete() && in.available() > 0) {
                    if (!body.readFrom(in)) {
                        break;
                    }
                }
            } catch (IOException e) {
                refuseUnread(request, response, Problem.of(400, "Bad Request", "The request body could not be read"));
                return;
            }
            if (body.complete()) {
                proceed(request, response, chain, body.bytes());
                return;
            }
        }
        awaitRest(request, response, in, body, started);
    }

    /** The rest of the body arrives without a thread; the request goes on (dispatched again) once it is whole. */
    private void awaitRest(HttpServletRequest request, HttpServletResponse response, ServletInputStream in, Body body,
                           long started) throws IOException {
        String address = String.valueOf(request.getRemoteAddr());
        AtomicInteger mine = reading.computeIfAbsent(address, a -> new AtomicInteger());
        if (mine.incrementAndGet() > readsPerAddress) {
            release(address, mine);
            refuseUnread(request, response, Problem.of(429, "Too Many Requests",
                    "Too many request bodies are being sent from this address at once"));
            return;
        }
        if (slowReads.incrementAndGet() > slowReadsMax) {
            slowReads.decrementAndGet();
            release(address, mine);
            response.setHeader("Retry-After", "1");
            refuseUnread(request, response, Problem.of(503, "Service Unavailable",
                    "Too many request bodies are arriving slowly right now; send again shortly"));
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        long left = deadlineNanos - (System.nanoTime() - started);
        async.setTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        Arrival arrival = new Arrival(request, response, async, in, body, () -> {
            slowReads.decrementAndGet();
            release(address, mine);
        });
        async.addListener(arrival);
        in.setReadListener(arrival);
    }

    /** Reads the bytes as they come, on whichever server thread has them; ends the request on any refusal. */
    private final class Arrival implements ReadListener, AsyncListener {

        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final AsyncContext async;
        private final ServletInputStream in;
        private final Body body;
        private final Runnable release;
        private final AtomicBoolean done = new AtomicBoolean();

        Arrival(HttpServletRequest request, HttpServletResponse response, AsyncContext async, ServletInputStream in,
                Body body, Runnable release) {
            this.request = request;
            this.response = response;
            this.async = async;
            this.in = in;
            this.body = body;
            this.release = release;
        }

        @Override
        public void onDataAvailable() {
            try {
                while (!done.get() && in.isReady()) {
                    if (!body.readFrom(in)) {
                        return;
                    }
                }
            } catch (TooLarge e) {
                end(Problem.of(413, "Content Too Large", "The request body is larger than " + body.max + " bytes"));
            } catch (IOException e) {
                onError(e);
            }
        }

        @Override
        public void onAllDataRead() {
            if (done.compareAndSet(false, true)) {
                release.run();
                request.setAttribute(BODY, body.bytes());
                async.dispatch();
            }
        }

        @Override
        public void onError(Throwable t) {
            if (timedOut(t)) {
                cutOff();
            } else {
                end(Problem.of(400, "Bad Request", "The request body could not be read"));
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            cutOff();
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) {
            if (done.compareAndSet(false, true)) {
                release.run();
            }
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // the dispatch that goes on with the body may start its own async work: nothing to do here
        }

        private void cutOff() {
            if (!done.get()) {
                slowBodies.incrementAndGet();
                lastSlowBodyNanos = System.nanoTime();
            }
            end(Problem.of(408, "Request Timeout", "The request body did not arrive in time"));
        }

        private void end(Problem problem) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            release.run();
            try {
                count(request, problem);
                response.setHeader("Connection", "close");
                problem.write(response, mapper);
            } catch (IOException | RuntimeException e) {
                LOG.debug("Could not answer {} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
            } finally {
                async.complete();
            }
        }
    }

    /** The body as it arrives, never past its limit. */
    private static final class Body {

        private final long declared;
        private final int max;
        private byte[] bytes;
        private int size;

        Body(long declared, int max) {
            this.declared = declared;
            this.max = max;
            this.bytes = new byte[declared > 0 ? (int) declared : Math.min(max + 1, 8192)];
        }

        boolean complete() {
            return declared >= 0 && size >= declared;
        }

        /** Reads what one call gives; false at the end of the body. */
        boolean readFrom(InputStream in) throws IOException {
            if (size == bytes.length) {
                if (declared >= 0 || size > max) {
                    // full: the body must end here
                    if (in.read() < 0) {
                        return false;
                    }
                    throw new TooLarge();
                }
                bytes = Arrays.copyOf(bytes, Math.min(max + 1, bytes.length * 2));
            }
            int n = in.read(bytes, size, bytes.length - size);
            if (n < 0) {
                return false;
            }
            size += n;
            if (size > max) {
                throw new TooLarge();
            }
            return true;
        }

        byte[] bytes() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
    }

    /** The body is whole: the checks that need its bytes, then the rest of the chain with the body in memory. */
    private void proceed(HttpServletRequest request, HttpServletResponse response, FilterChain chain, byte[] body)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        boolean hubEndpoint = hubEndpoint(path);
        if (hubEndpoint && !utf8(body)) {
            refuse(request, response, Problem.of(400, "Bad Request",
                    "The request body must be JSON in UTF-8; it is not valid UTF-8"));
            return;
        }
        java.util.List<africa.payhub.canonical.FieldError> problems = hubEndpoint ? InputScan.bodyProblems(path, body)
                : java.util.List.of();
        if (!problems.isEmpty()) {
            refuse(request, response, new Problem(400, "Bad Request", "The request body holds text the hub does not accept",
                    problems));
            return;
        }
        chain.doFilter(new ReadBody(request, body), response);
    }

    private int maxBodyBytes(String path) {
        // a data request may carry a settlements file: its own, larger limit (hub.data-requests.max-body-bytes)
        return path.startsWith("/api/v1/data-requests") ? maxDataRequestBytes : this.maxBodyBytes;
    }

    private static boolean hubEndpoint(String path) {
        return path.startsWith("/api/") || path.startsWith("/webhooks/") || path.startsWith("/partners/");
    }

    private void release(String address, AtomicInteger counter) {
        if (counter.decrementAndGet() <= 0) {
            reading.remove(address, counter);
        }
    }

    /** A refusal once the body is read (the connection may carry the next request). */
    private void refuse(HttpServletRequest request, HttpServletResponse response, Problem problem) throws IOException {
        count(request, problem);
        problem.write(response, mapper);
    }

    /**
     * A refusal before the body was read: the answer goes out and the connection is closed without reading the
     * rest. Answered synchronously, the server would read the rest (up to {@code server.tomcat.max-swallow-size},
     * waiting for each byte) on this thread before letting it go; ended as an asynchronous request with
     * {@code Connection: close}, it closes the connection instead.
     */
    private void refuseUnread(HttpServletRequest request, HttpServletResponse response, Problem problem) throws IOException {
        count(request, problem);
        response.setHeader("Connection", "close");
        if (request.isAsyncSupported() && !request.isAsyncStarted()) {
            AsyncContext async = request.startAsync(request, response);
            try {
                problem.write(response, mapper);
            } finally {
                async.complete();
            }
        } else {
            problem.write(response, mapper);
        }
    }

    private void count(HttpServletRequest request, Problem problem) {
        refused.incrementAndGet();
        LOG.warn("Refused {} {} from {}: {} {}", request.getMethod(), request.getRequestURI(), request.getRemoteAddr(),
                problem.status(), problem.title());
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Whether the request announces a body (a length, or chunks), whatever its method. */
    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
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

    /**
     * The request with its body already in memory. A body that arrived without a thread goes on in a dispatch
     * the server calls ASYNC; to the filters after this one it is the request it is (each would otherwise skip
     * it as a second pass of a request it had already seen).
     */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public DispatcherType getDispatcherType() {
            return DispatcherType.REQUEST;
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
