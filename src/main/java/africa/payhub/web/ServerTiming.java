package africa.payhub.web;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Server-Timing: hub;dur=3.2} on every answer: the milliseconds the hub spent on the request, from
 * the first filter to the moment the answer starts (its status and headers), so a caller can tell the hub's
 * time from the network's. The header is added just before the answer is committed, whichever thread
 * writes it (Camel's platform-http answers on its own threads) and whatever writes it (a route, a problem
 * document from a filter, an error).
 */
@Configuration(proxyBeanMethods = false)
public class ServerTiming {

    public static final String HEADER = "Server-Timing";

    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> serverTimingFilter() {
        FilterRegistrationBean<OncePerRequestFilter> bean = new FilterRegistrationBean<>(new TimingFilter());
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }

    /** The header's value for a time taken: milliseconds, one decimal (String.format cost a request 3% of its CPU). */
    public static String duration(long nanos) {
        long tenths = (nanos + 50_000) / 100_000;
        return "hub;dur=" + tenths / 10 + "." + tenths % 10;
    }

    static final class TimingFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Timed timed = new Timed(response, System.nanoTime());
            try {
                chain.doFilter(request, timed);
            } finally {
                if (!request.isAsyncStarted()) {
                    timed.stamp();
                }
            }
        }

        @Override
        protected boolean shouldNotFilterAsyncDispatch() {
            return false;
        }
    }

    /** Stamps the header once, at the first sign that the answer is about to leave. */
    static final class Timed extends HttpServletResponseWrapper {

        private final long started;
        private volatile boolean stamped;

        Timed(HttpServletResponse response, long started) {
            super(response);
            this.started = started;
        }

        void stamp() {
            if (stamped) {
                return;
            }
            stamped = true;
            HttpServletResponse r = (HttpServletResponse) getResponse();
            if (!r.isCommitted()) {
                r.setHeader(HEADER, duration(System.nanoTime() - started));
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            stamp();
            return super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            stamp();
            return super.getWriter();
        }

        @Override
        public void flushBuffer() throws IOException {
            stamp();
            super.flushBuffer();
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            stamp();
            super.sendError(sc, msg);
        }

        @Override
        public void sendError(int sc) throws IOException {
            stamp();
            super.sendError(sc);
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            stamp();
            super.sendRedirect(location);
        }
    }
}
