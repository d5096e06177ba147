package africa.payhub.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.FieldError;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.NotificationStore;
import africa.payhub.payment.PaymentSearch;
import africa.payhub.payment.PaymentViews;
import africa.payhub.payment.PaymentStatus;
import africa.payhub.provider.ProviderHealth;
import africa.payhub.provider.WorkQueues;
import africa.payhub.security.Caller;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * What operators (and, for their own payments, clients) look through: payments searched and paged, the
 * callbacks in a status (DEAD ones to redeliver), and the figures of the hub at a glance.
 */
@Component("opsApi")
public class OpsApi {

    static final int DEFAULT_LIMIT = 50;

    private final PaymentSearch search;
    private final PaymentViews views;
    private final NotificationStore notifications;
    private final ProviderHealth health;
    private final WorkQueues workQueues;

    public OpsApi(PaymentSearch search, PaymentViews views, NotificationStore notifications, ProviderHealth health,
                  WorkQueues workQueues) {
        this.search = search;
        this.views = views;
        this.notifications = notifications;
        this.health = health;
        this.workQueues = workQueues;
    }

    /**
     * GET /api/v1/payments?status=&provider=&clientId=&operation=&createdFrom=&createdTo=&reference=&limit=&cursor=:
     * newest first; a client sees only its own.
     */
    public void search(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        List<FieldError> errors = new ArrayList<>();
        String clientId = param(exchange, "clientId");
        if (!caller.operator()) {
            if (clientId != null && !clientId.equals(caller.name())) {
                throw Refusal.forbidden("a client sees only its own payments; leave out clientId");
            }
            clientId = caller.name();
        }
        List<PaymentStatus> statuses = new ArrayList<>();
        String status = param(exchange, "status");
        if (status != null) {
            for (String s : status.split(",")) {
                try {
                    statuses.add(PaymentStatus.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("status", "'" + s.trim() + "' is not a status; use one or more (comma-separated) of "
                            + List.of(PaymentStatus.values())));
                }
            }
        }
        Instant from = instant(exchange, errors, false, "createdFrom", "from");
        Instant to = instant(exchange, errors, true, "createdTo", "to");
        int limit = limit(exchange, errors, PaymentSearch.MAX_LIMIT);
        if (!errors.isEmpty()) {
            throw Refusal.invalid(errors);
        }
        String operation = param(exchange, "operation");
        PaymentSearch.Filter filter = new PaymentSearch.Filter(clientId, statuses, param(exchange, "provider"),
                operation == null ? null : operation.toUpperCase(Locale.ROOT), from, to, param(exchange, "reference"));
        String format = param(exchange, "format");
        if ("csv".equalsIgnoreCase(format)) {
            csv(exchange, filter);
            return;
        }
        if (format != null && !"json".equalsIgnoreCase(format)) {
            throw Refusal.invalid("format", "must be json or csv");
        }
        PaymentSearch.Page page = search.search(filter, limit, param(exchange, "cursor"));
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("payments");
        page.payments().forEach(p -> list.add(views.view(p).put("clientId", p.clientId())));
        out.put("nextCursor", page.nextCursor());
        PaymentApi.respond(exchange, 200, out);
    }

    /** The most rows one CSV export holds; past it, {@code X-Truncated: true} says there were more. */
    static final int MAX_CSV_ROWS = 10_000;

    static final List<String> CSV_COLUMNS = List.of("createdAt", "updatedAt", "paymentId", "messageId", "clientId",
            "operation", "provider", "amount", "currency", "status", "reasonCode", "statusReason", "providerReference");

    /**
     * The whole search as CSV (RFC 4180, UTF-8, newest first, at most {@link #MAX_CSV_ROWS} rows), for a
     * spreadsheet: a text cell a spreadsheet would take for a formula (=, +, -, @) is prefixed with '.
     */
    private void csv(Exchange exchange, PaymentSearch.Filter filter) {
        StringBuilder out = new StringBuilder(String.join(",", CSV_COLUMNS)).append("\r\n");
        String cursor = null;
        int rows = 0;
        boolean more;
        do {
            PaymentSearch.Page page = search.search(filter, PaymentSearch.MAX_LIMIT, cursor);
            for (africa.payhub.payment.Payment p : page.payments()) {
                if (rows == MAX_CSV_ROWS) {
                    break;
                }
                List<String> cells = List.of(instant(p.createdAt()), instant(p.updatedAt()), p.id(), text(p.messageId()),
                        p.clientId(), p.operation(), p.provider(),
                        p.amountValue() == null ? "" : p.amountValue().toPlainString(), nullToEmpty(p.amountCurrency()),
                        p.status().name(), nullToEmpty(p.reasonCode()), text(p.statusReason()), p.providerReference());
                out.append(String.join(",", cells.stream().map(OpsApi::csvCell).toList())).append("\r\n");
                rows++;
            }
            cursor = page.nextCursor();
            more = cursor != null;
        } while (more && rows < MAX_CSV_ROWS);
        org.apache.camel.Message msg = exchange.getMessage();
        msg.removeHeaders("*");
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        msg.setHeader(Exchange.CONTENT_TYPE, "text/csv; charset=utf-8");
        msg.setHeader("Content-Disposition", "attachment; filename=\"payments-"
                + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace(":", "") + ".csv\"");
        if (more) {
            msg.setHeader("X-Truncated", "true");
        }
        msg.setBody(out.toString());
    }

    /** Text a client or provider wrote: a leading =, +, - or @ (a formula to a spreadsheet) is quoted with '. */
    private static String text(String value) {
        if (value == null) {
            return "";
        }
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String csvCell(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    /** GET /api/v1/callbacks?status=DEAD&limit=&cursor=: callbacks in one status, newest first. */
    public void callbacks(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        List<FieldError> errors = new ArrayList<>();
        String status = param(exchange, "status");
        status = status == null ? "DEAD" : status.toUpperCase(Locale.ROOT);
        if (!List.of("PENDING", "DELIVERED", "DEAD").contains(status)) {
            errors.add(new FieldError("status", "must be PENDING, DELIVERED or DEAD"));
        }
        int limit = limit(exchange, errors, PaymentSearch.MAX_LIMIT);
        Long after = null;
        String cursor = param(exchange, "cursor");
        if (cursor != null) {
            try {
                after = Long.parseLong(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                errors.add(new FieldError("cursor", "is not a cursor this API gave out (use nextCursor from the previous page)"));
            }
        }
        if (!errors.isEmpty()) {
            throw Refusal.invalid(errors);
        }
        List<NotificationStore.Notification> rows = notifications.list(status, caller.clientScope(), after, limit + 1);
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("callbacks");
        for (NotificationStore.Notification n : rows.subList(0, Math.min(limit, rows.size()))) {
            ObjectNode c = list.addObject();
            c.put("eventId", n.eventId().toString());
            c.put("paymentId", n.paymentId());
            c.put("clientId", n.clientId());
            c.put("status", n.status());
            c.put("paymentStatus", Json.toNode(n.payload()).path("payment").path("status").asText(null));
            c.put("attempts", n.attempts());
            c.put("url", africa.payhub.canonical.Redactor.url(n.url()));
            c.put("createdAt", instant(n.createdAt()));
            if (n.lastStatusCode() != null) {
                c.put("lastStatusCode", n.lastStatusCode());
            }
            if (n.lastError() != null) {
                c.put("lastError", n.lastError());
            }
            c.put("redelivery", n.redelivery());
        }
        out.put("nextCursor", rows.size() > limit ? Base64.getUrlEncoder().withoutPadding().encodeToString(
                Long.toString(rows.get(limit - 1).seq()).getBytes(StandardCharsets.UTF_8)) : null);
        PaymentApi.respond(exchange, 200, out);
    }

    /**
     * GET /api/v1/ops/summary (operators): payments per status and provider, callbacks, circuit breakers, and
     * what waits for each provider's threads on this instance.
     */
    public void summary(Exchange exchange) {
        if (!PaymentApi.caller(exchange).operator()) {
            throw Refusal.forbidden("only operators see the hub's summary");
        }
        Map<String, Map<PaymentStatus, Long>> counts = search.countsByProvider();
        ObjectNode out = Json.object();
        ObjectNode byStatus = Json.object();
        Map<PaymentStatus, Long> totals = PaymentSearch.zeroes();
        ObjectNode byProvider = Json.object();
        counts.forEach((provider, m) -> {
            ObjectNode p = byProvider.putObject(provider);
            m.forEach((s, n) -> {
                p.put(s.name(), n);
                totals.merge(s, n, Long::sum);
            });
        });
        totals.forEach((s, n) -> byStatus.put(s.name(), n));
        ObjectNode p = out.putObject("payments");
        p.put("total", totals.values().stream().mapToLong(Long::longValue).sum());
        p.set("byStatus", byStatus);
        p.set("byProvider", byProvider);
        out.put("needsReview", totals.get(PaymentStatus.NEEDS_REVIEW));
        ObjectNode callbacks = out.putObject("callbacks");
        notifications.openCounts().forEach(callbacks::put);
        ArrayNode providers = out.putArray("providers");
        for (ProviderHealth.Circuit c : health.circuits()) {
            ObjectNode n = providers.addObject();
            n.put("provider", c.provider());
            n.put("circuit", c.state());
            if (c.failureRate() == null) {
                n.putNull("failureRate");
            } else {
                n.put("failureRate", c.failureRate());
            }
            n.put("recentCalls", c.bufferedCalls());
            n.put("recentFailures", c.failedCalls());
            n.put("notPermittedCalls", c.notPermittedCalls());
            WorkQueues.Waiting waiting = workQueues.waiting(c.provider());
            n.put("queued", waiting.queued());
            n.put("held", waiting.held());
        }
        PaymentApi.respond(exchange, 200, out);
    }

    /** The most buckets one statistics answer has. */
    static final int MAX_BUCKETS = 1500;

    /**
     * GET /api/v1/ops/stats?from=&to=&bucket=minute|hour|day&provider= (operators): per provider and time bucket
     * (UTC), the payments created, how many the provider carried and how many failed, the success rate of
     * those settled, and the provider's answers to their calls (how many, how many failed, median and 95th
     * percentile time). Columns aligned on {@code buckets}, as a chart draws them. By default the last 24 hours
     * by hour.
     */
    public void stats(Exchange exchange) {
        if (!PaymentApi.caller(exchange).operator()) {
            throw Refusal.forbidden("only operators see the hub's statistics");
        }
        List<FieldError> errors = new ArrayList<>();
        String bucket = param(exchange, "bucket") == null ? "hour" : param(exchange, "bucket").toLowerCase(Locale.ROOT);
        if (!PaymentSearch.BUCKETS.contains(bucket)) {
            errors.add(new FieldError("bucket", "must be one of " + PaymentSearch.BUCKETS));
            bucket = "hour";
        }
        java.time.temporal.ChronoUnit unit = switch (bucket) {
            case "minute" -> java.time.temporal.ChronoUnit.MINUTES;
            case "day" -> java.time.temporal.ChronoUnit.DAYS;
            default -> java.time.temporal.ChronoUnit.HOURS;
        };
        Instant to = instant(exchange, errors, true, "to", "createdTo");
        Instant from = instant(exchange, errors, false, "from", "createdFrom");
        to = to == null ? Instant.now().truncatedTo(unit).plus(1, unit) : to;
        from = from == null ? to.minus(java.time.Duration.ofHours(24)) : from;
        Instant first = from.truncatedTo(unit);
        if (!from.isBefore(to)) {
            errors.add(new FieldError("from", "must be before to"));
        } else if (java.time.Duration.between(first, to).dividedBy(unit.getDuration()) > MAX_BUCKETS) {
            errors.add(new FieldError("bucket", "more than " + MAX_BUCKETS + " " + bucket + "s from " + from + " to " + to
                    + ": choose a larger bucket or a shorter period"));
        }
        if (!errors.isEmpty()) {
            throw Refusal.invalid(errors);
        }
        String provider = param(exchange, "provider");
        List<Instant> buckets = new ArrayList<>();
        for (Instant at = first; at.isBefore(to); at = at.plus(1, unit)) {
            buckets.add(at);
        }
        Map<String, ObjectNode> byProvider = new java.util.TreeMap<>();
        for (PaymentSearch.Bucket b : search.statistics(first, to, bucket, provider)) {
            int i = buckets.indexOf(b.at());
            if (i < 0) {
                continue;
            }
            ObjectNode series = byProvider.computeIfAbsent(b.provider(), p -> emptySeries(buckets.size()));
            ((ArrayNode) series.get("payments")).set(i, b.payments());
            ((ArrayNode) series.get("succeeded")).set(i, b.succeeded());
            ((ArrayNode) series.get("failed")).set(i, b.failed());
            long settled = b.succeeded() + b.failed();
            ((ArrayNode) series.get("successRate")).set(i, settled == 0 ? Json.NODES.nullNode()
                    : Json.NODES.numberNode(Math.round(1000.0 * b.succeeded() / settled) / 10.0));
            ((ArrayNode) series.get("calls")).set(i, b.calls());
            ((ArrayNode) series.get("callErrors")).set(i, b.callErrors());
            ((ArrayNode) series.get("latencyP50Ms")).set(i, b.latencyP50Ms() == null ? Json.NODES.nullNode()
                    : Json.NODES.numberNode(Math.round(b.latencyP50Ms())));
            ((ArrayNode) series.get("latencyP95Ms")).set(i, b.latencyP95Ms() == null ? Json.NODES.nullNode()
                    : Json.NODES.numberNode(Math.round(b.latencyP95Ms())));
        }
        ObjectNode out = Json.object();
        out.put("from", first.toString()).put("to", to.toString()).put("bucket", bucket);
        ArrayNode at = out.putArray("buckets");
        buckets.forEach(b -> at.add(b.toString()));
        ObjectNode providers = out.putObject("providers");
        byProvider.forEach(providers::set);
        PaymentApi.respond(exchange, 200, out);
    }

    /** A provider's columns, zero (counts) or null (rates and times) in every bucket. */
    private static ObjectNode emptySeries(int size) {
        ObjectNode series = Json.object();
        for (String count : List.of("payments", "succeeded", "failed", "calls", "callErrors")) {
            ArrayNode column = series.putArray(count);
            for (int i = 0; i < size; i++) {
                column.add(0);
            }
        }
        for (String measure : List.of("successRate", "latencyP50Ms", "latencyP95Ms")) {
            ArrayNode column = series.putArray(measure);
            for (int i = 0; i < size; i++) {
                column.addNull();
            }
        }
        return series;
    }

    private static String param(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int limit(Exchange exchange, List<FieldError> errors, int max) {
        String v = param(exchange, "limit");
        if (v == null) {
            return Math.min(DEFAULT_LIMIT, max);
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError("limit", "must be a whole number from 1 to " + max));
        return 1;
    }

    /**
     * An instant ({@code 2026-03-01T08:00:00Z}) or a day ({@code 2026-03-01}, UTC); a day as the upper bound
     * includes that whole day.
     */
    private static Instant instant(Exchange exchange, List<FieldError> errors, boolean upper, String name, String alias) {
        String v = param(exchange, name);
        String field = name;
        if (v == null) {
            v = param(exchange, alias);
            field = alias;
        }
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                LocalDate day = LocalDate.parse(v);
                return (upper ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                errors.add(new FieldError(field, "must be an instant (2026-03-01T08:00:00Z) or a day (2026-03-01)"));
                return null;
            }
        }
    }

    private static String instant(Instant i) {
        return i == null ? null : i.toString();
    }
}
