package africa.payhub.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * A provider as its integrator declares it, in {@code routes/providers/<name>/<name>.provider.yaml}: its
 * settings (a property schema, as a Kamelet declares its properties), how its calls are authenticated,
 * how its webhooks are verified, what it creates once and records, and which canonical operations it
 * carries by which flow. Nothing in the hub's Java is specific to one provider; this file is.
 *
 * <p>{@code reference}: a JSLT expression over {@code {payment: {paymentId, providerReference}}} giving the
 * reference the provider knows a payment by, the one its mappings send (our provider reference when not
 * declared); what the hub tells a person about a payment at the provider quotes it.
 *
 * <p>{@code imports}: alias -> a JSLT module in the provider's mappings folder ({@code mappings/<name>/}), whose
 * functions every expression of the declaration may call as {@code <alias>:<function>(...)}; its templates
 * import the same modules with JSLT's own {@code import "<file>" as <alias>}.
 */
public record ProviderDeclaration(
        String name,
        String title,
        String description,
        Map<String, Property> properties,
        Auth auth,
        Inbound inbound,
        Webhooks webhooks,
        Call lookup,
        Call status,
        Map<String, Resource> resources,
        Map<String, Recorded> records,
        Map<String, Check> checks,
        Map<String, Operation> operations,
        Map<String, DataCall> data,
        Resend resend,
        Map<String, OperatorCall> operatorCalls,
        PeriodReconcile reconcile,
        Recheck recheck,
        String reference,
        Map<String, String> imports,
        @JsonProperty(access = JsonProperty.Access.READ_ONLY) Path file) {

    /** The file name every declaration has: {@code <name>.provider.yaml}. */
    public static final String SUFFIX = ".provider.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ProviderDeclaration {
        properties = properties == null ? Map.of() : properties;
        resources = resources == null ? Map.of() : resources;
        records = records == null ? Map.of() : records;
        checks = checks == null ? Map.of() : checks;
        operations = operations == null ? Map.of() : operations;
        data = data == null ? Map.of() : data;
        operatorCalls = operatorCalls == null ? Map.of() : operatorCalls;
        imports = imports == null ? Map.of() : imports;
        auth = auth == null ? new Auth("none", null, null, null) : auth;
        webhooks = webhooks == null ? new Webhooks("none", null, null, null, null, null) : webhooks;
        resend = resend == null ? new Resend(null, null, null, null, null) : resend;
        String tokenUrl = auth.login() == null ? null : auth.login().url();
        if (tokenUrl != null && (properties.get(tokenUrl) == null || !"uri".equals(properties.get(tokenUrl).format()))) {
            // a declared URI is held to what production holds base-url to (https)
            throw new IllegalArgumentException("auth.login.url names the setting '" + tokenUrl
                    + "', which must be declared under properties with format: uri");
        }
    }

    /**
     * When the hub may send a payment again with the same reference, as the provider's own rules allow.
     * {@code duplicateReferences}: {@code rejected} (the provider refuses a second request with a reference
     * it has seen, so a resend can never pay twice), {@code accepted} (it would execute it again) or
     * {@code unknown} (the default: not documented, so a payment whose request may have arrived is never sent
     * again: it goes to NEEDS_REVIEW). {@code evidence}: what {@code rejected} rests on ({@code kind}
     * {@code documented}: the provider's document says so, quoted in {@code source}; {@code assumed}: it does
     * not, and {@code source} says why it is believed); required with {@code rejected}. {@code notFound}: how a
     * status query's "not found" after an unknown outcome is confirmed before any resend ({@code queries} of
     * them, all finding nothing, spread over at least {@code over} since the send ended); required when
     * {@code rejected} is assumed. {@code maxHoldTime}: the longest the provider may hold a request before its
     * status query knows of it (e.g. {@code 2m}); past it, a status query that finds nothing proves the
     * request was never received. {@code notProcessed}: HTTP statuses the provider documents as "not
     * processed" (e.g. 429 with Retry-After): such an answer is a send that never left, tried again after its
     * Retry-After, where any other 429 or 503 is an unknown outcome.
     */
    public record Resend(String duplicateReferences, String maxHoldTime, Evidence evidence, NotFound notFound,
                         List<Integer> notProcessed) {
        public Resend {
            duplicateReferences = duplicateReferences == null ? "unknown" : duplicateReferences;
            notProcessed = notProcessed == null ? List.of() : List.copyOf(notProcessed);
            if (!java.util.List.of("rejected", "accepted", "unknown").contains(duplicateReferences)) {
                throw new IllegalArgumentException("resend.duplicateReferences must be rejected, accepted or unknown, not '"
                        + duplicateReferences + "'");
            }
            if (maxHoldTime != null) {
                org.springframework.boot.convert.DurationStyle.detectAndParse(maxHoldTime);
            }
            if ("rejected".equals(duplicateReferences) && evidence == null) {
                throw new IllegalArgumentException("resend.duplicateReferences: rejected needs resend.evidence"
                        + " ({kind: documented | assumed, source: what it rests on})");
            }
            if ("rejected".equals(duplicateReferences) && !evidence.documented() && notFound == null) {
                throw new IllegalArgumentException("resend.duplicateReferences: rejected rests on an assumption"
                        + " (evidence.kind " + evidence.kind() + "): declare resend.notFound {queries, over}, the status"
                        + " queries that must all find nothing before a resend");
            }
            if (notFound != null && !"rejected".equals(duplicateReferences)) {
                throw new IllegalArgumentException("resend.notFound confirms a resend that duplicateReferences: rejected"
                        + " allows; with " + duplicateReferences + " nothing is sent again after a not found (use maxHoldTime)");
            }
        }

        public boolean rejectsDuplicates() {
            return "rejected".equals(duplicateReferences);
        }

        public java.time.Duration maxHold() {
            return maxHoldTime == null ? null : org.springframework.boot.convert.DurationStyle.detectAndParse(maxHoldTime);
        }
    }

    /** What a statement about the provider rests on: {@code documented} or {@code assumed}, and its source. */
    public record Evidence(String kind, String source) {
        public Evidence {
            if (!java.util.List.of("documented", "assumed").contains(String.valueOf(kind))) {
                throw new IllegalArgumentException("resend.evidence.kind must be documented or assumed, not '" + kind + "'");
            }
            if (source == null || source.isBlank()) {
                throw new IllegalArgumentException("resend.evidence.source must say what it rests on");
            }
        }

        public boolean documented() {
            return "documented".equals(kind);
        }
    }

    /** {@code queries} status queries finding nothing, spread over at least {@code over} after the send ended. */
    public record NotFound(Integer queries, String over) {
        public NotFound {
            if (queries == null || queries < 1) {
                throw new IllegalArgumentException("resend.notFound.queries must be at least 1");
            }
            if (over == null) {
                throw new IllegalArgumentException("resend.notFound.over is required (e.g. 10m)");
            }
            org.springframework.boot.convert.DurationStyle.detectAndParse(over);
        }

        public java.time.Duration window() {
            return org.springframework.boot.convert.DurationStyle.detectAndParse(over);
        }
    }

    /**
     * One setting, under {@code hub.providers.<provider>.<key>}. {@code format: password} marks a secret
     * (never shown to mappings, never logged); {@code required} ones must be set in production. A secret the
     * provider issues says how short the provider issues it ({@code minLength}); one without is chosen by the
     * hub's operator and held in production to the chosen secrets' rules (32 characters that look random).
     */
    public record Property(String type, String format, boolean required, String description,
                           @JsonProperty("default") JsonNode defaultValue, Integer minLength) {
        public boolean secret() {
            return "password".equals(format);
        }
    }

    /**
     * How calls are authenticated. {@code kind}: {@code basic} (HTTP Basic from two settings on every call),
     * {@code bearer} (a token from a login call), {@code body} (settings merged into every request body),
     * or {@code none}.
     */
    public record Auth(String kind, Basic basic, Login login, Map<String, String> body) {
    }

    /** How the provider authenticates when it calls the hub (a partner endpoint): HTTP Basic with two settings. */
    public record Inbound(Basic basic) {
    }

    /** HTTP Basic: the names of the settings holding the user name and the password. */
    public record Basic(String username, String password) {
    }

    /**
     * A login call that issues a token. Where: {@code path} (under the provider's {@code base-url}) or
     * {@code url}, the name of a setting ({@code format: uri}) holding the token endpoint's full URL, which may
     * be on another host. How: {@code credentials}, HTTP {@code basic} and/or the fields of a JSON {@code body}
     * or of a {@code form} (field -> setting; {@code basic} combines with either), or {@code oauth2}, an OAuth 2.0
     * client-credentials grant. {@code token} and {@code expiresIn} are dotted paths in the answer (the first
     * present wins; with {@code oauth2}, {@code access_token} and {@code expires_in} unless declared);
     * {@code expiresUnit} {@code seconds} or {@code minutes}.
     */
    public record Login(String method, String path, String url, Credentials credentials, OAuth2 oauth2,
                        List<String> token, List<String> expiresIn, String expiresUnit, Long defaultExpiresIn,
                        String header, String scheme) {
        public Login {
            method = method == null ? "POST" : method;
            expiresUnit = expiresUnit == null ? "seconds" : expiresUnit;
            header = header == null ? "Authorization" : header;
            scheme = scheme == null ? "Bearer" : scheme;
            token = token == null || token.isEmpty() ? oauth2 == null ? List.of() : List.of("access_token") : token;
            expiresIn = expiresIn == null || expiresIn.isEmpty() ? oauth2 == null ? List.of() : List.of("expires_in")
                    : expiresIn;
            if ((path == null) == (url == null)) {
                throw new IllegalArgumentException("auth.login needs exactly one of path (under base-url) and url"
                        + " (a setting holding the token endpoint's full URL)");
            }
            if (oauth2 != null && credentials != null) {
                throw new IllegalArgumentException("auth.login: oauth2 says how the client authenticates; drop credentials");
            }
        }
    }

    /**
     * Login credentials: {@code basic} (an Authorization header from two settings), with or without the fields
     * of a JSON {@code body} or of a {@code form} (one of the two); each field's value is a setting.
     */
    public record Credentials(Basic basic, Map<String, String> body, Map<String, String> form) {
        public Credentials {
            if (body != null && form != null) {
                throw new IllegalArgumentException("auth.login.credentials: a body or a form, not both");
            }
        }
    }

    /**
     * An OAuth 2.0 client-credentials grant (RFC 6749 section 4.4): {@code clientId} and {@code clientSecret} name
     * the settings; {@code clientAuthentication} {@code basic} (the default: HTTP Basic with the form-encoded id
     * and secret, RFC 6749 section 2.3.1) or {@code body} ({@code client_id} and {@code client_secret} in the
     * request); {@code scope}, sent when declared; {@code encoding} {@code form} (the default,
     * {@code application/x-www-form-urlencoded}) or {@code json}.
     */
    public record OAuth2(String clientId, String clientSecret, String clientAuthentication, String scope,
                         String encoding) {
        public OAuth2 {
            clientAuthentication = clientAuthentication == null ? "basic" : clientAuthentication;
            encoding = encoding == null ? "form" : encoding;
            if (clientId == null || clientSecret == null) {
                throw new IllegalArgumentException("auth.login.oauth2 needs clientId and clientSecret (settings)");
            }
            if (!List.of("basic", "body").contains(clientAuthentication)) {
                throw new IllegalArgumentException("auth.login.oauth2.clientAuthentication must be basic or body, not '"
                        + clientAuthentication + "'");
            }
            if (!List.of("form", "json").contains(encoding)) {
                throw new IllegalArgumentException("auth.login.oauth2.encoding must be form or json, not '" + encoding + "'");
            }
        }
    }

    /**
     * How a webhook is verified. {@code verification}: {@code hmac} (algorithm, header, encoding hex or
     * base64, the setting holding the key, an optional prefix such as {@code sha256=}), {@code bean} (a
     * named WebhookVerifier bean, for what cannot be declared), {@code echoed-token} (the body field
     * {@code token.field} carries back the token the hub sent with the request; its hash is compared in
     * constant time with the one stored for the request it names), or {@code none} (no webhooks: every
     * outcome is confirmed by status query). {@code mapping}: the template that turns a verified event
     * into an outcome.
     */
    public record Webhooks(String verification, Hmac hmac, String bean, String mapping, EchoedToken token,
                           List<String> senders) {
        public Webhooks {
            senders = senders == null ? List.of() : senders;
        }
    }

    /** The body field in which the provider echoes the token the hub sent with the request. */
    public record EchoedToken(String field) {
    }

    /**
     * A kind of data request the provider answers ({@code data:}, e.g. INSIGHTS): its request and response
     * mappings, and optionally {@code upload}: a call answering
     * {@code result: {url, path}} where the hub first PUTs the request's file, before the request itself
     * (which then reads {@code .upload.path}). The request's answer comes later by webhook.
     */
    public record DataCall(String request, String response, Call upload, String file) {
    }

    /**
     * A webhook HMAC: {@code algorithm} ({@code HmacSHA256}, {@code HmacSHA512}, ...), the {@code header} carrying
     * it (after an optional {@code prefix} such as {@code sha256=}), its {@code encoding} ({@code hex} or
     * {@code base64}), the setting holding the {@code key}, and the {@code message} it covers: a template of the raw
     * body and headers, {@code {body}} (the default) and {@code {header.<name>}}, e.g.
     * {@code "{header.X-Timestamp}.{body}"}. {@code timestamp}: the header holding when the provider signed
     * ({@code unit} {@code seconds}, the default, or {@code milliseconds} since the epoch) and the
     * {@code tolerance} around the hub's clock (e.g. {@code 300s}) outside which a webhook is refused; it must be
     * part of the signed message.
     */
    public record Hmac(String algorithm, String header, String encoding, String key, String prefix, String message,
                       Timestamp timestamp) {
        private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("\\{([^{}]*)}");

        public Hmac {
            message = message == null ? "{body}" : message;
            encoding = encoding == null ? "hex" : encoding;
            if (algorithm == null || header == null || key == null) {
                throw new IllegalArgumentException("webhooks.hmac needs algorithm, header and key");
            }
            try {
                javax.crypto.Mac.getInstance(algorithm);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalArgumentException("webhooks.hmac.algorithm '" + algorithm + "' is not an HMAC this Java"
                        + " knows (HmacSHA256, HmacSHA512)");
            }
            if (!List.of("hex", "base64").contains(encoding)) {
                throw new IllegalArgumentException("webhooks.hmac.encoding must be hex or base64, not '" + encoding + "'");
            }
            java.util.regex.Matcher part = PART.matcher(message);
            while (part.find()) {
                String p = part.group(1);
                if (!p.equals("body") && !(p.startsWith("header.") && p.length() > "header.".length())) {
                    throw new IllegalArgumentException("webhooks.hmac.message: {" + p + "} is neither {body} nor {header.<name>}");
                }
            }
            if (timestamp != null && !message.toLowerCase(java.util.Locale.ROOT)
                    .contains("{header." + timestamp.header().toLowerCase(java.util.Locale.ROOT) + "}")) {
                throw new IllegalArgumentException("webhooks.hmac.timestamp: the message must cover {header."
                        + timestamp.header() + "}, or the timestamp could be changed without breaking the signature");
            }
        }

        /** The message's parts in order: {@code {body}}, {@code {header.<name>}} or literal text. */
        public List<String> parts() {
            List<String> out = new ArrayList<>();
            java.util.regex.Matcher part = PART.matcher(message);
            int at = 0;
            while (part.find()) {
                if (part.start() > at) {
                    out.add(message.substring(at, part.start()));
                }
                out.add(part.group());
                at = part.end();
            }
            if (at < message.length()) {
                out.add(message.substring(at));
            }
            return out;
        }
    }

    /** When a webhook was signed: its header, the unit of its value and the tolerance around the hub's clock. */
    public record Timestamp(String header, String unit, String tolerance) {
        public Timestamp {
            unit = unit == null ? "seconds" : unit;
            if (header == null || tolerance == null) {
                throw new IllegalArgumentException("webhooks.hmac.timestamp needs header and tolerance (e.g. 300s)");
            }
            if (!List.of("seconds", "milliseconds").contains(unit)) {
                throw new IllegalArgumentException("webhooks.hmac.timestamp.unit must be seconds or milliseconds");
            }
            org.springframework.boot.convert.DurationStyle.detectAndParse(tolerance);
        }

        public java.time.Duration window() {
            return org.springframework.boot.convert.DurationStyle.detectAndParse(tolerance);
        }
    }

    /**
     * A provider call of the common shape: request template, HTTP, response template. {@code enabledBy}: a
     * boolean setting.
     * {@code uses}: recorded things the call reads (a status query of a payment's invoice), never created.
     */
    public record Call(String request, String response, String enabledBy, List<Use> uses) {
        public Call {
            uses = uses == null ? List.of() : uses;
        }
    }

    /**
     * Something created at the provider once per {@code scope} ({@code hub}, {@code client} or
     * {@code payment}) and key, recorded, and reused: a profile, a service, an invoice. Scope {@code call}:
     * made afresh right before each call that needs it and not reused (a short-lived session).
     * {@code when}: a JSLT condition over the call input; false, the resource is not needed for this payment.
     * {@code each}: a JSLT expression giving a list (a message's items): the request and response mappings
     * run once per element (the input gains {@code .item} and {@code .itemIndex}), and the resource is
     * recorded once all are made, with {@code {"items": [...]}} as its detail. {@code find}: how to look for it
     * at the provider when its first creator died mid-call (its claim taken over after the lease: the request
     * may have reached the provider): the request mapping reads the call input, the response mapping the
     * provider's answer as {@code .answer} beside the call input, and answers {@code {code, ...}} when it found
     * it ({@code {}} when not: it is made); for one made per element, {@code {"items": [{code, ...}]}}: the
     * elements already made, in order, and only the rest are made.
     */
    public record Resource(String scope, String key, String configured, List<String> needs, String request,
                           String response, String when, String each, Call find) {
        public Resource {
            needs = needs == null ? List.of() : needs;
        }
    }

    /**
     * A check before sending, e.g. the source wallet's balance: its call, then each {@code atLeast} field of
     * the response mapping's answer must be at least the value of its expression over the call input
     * (exact decimals), or the payment fails with {@code refuse} as its reason code before anything is sent.
     */
    public record Check(String request, String response, String enabledBy, Map<String, String> atLeast,
                        String refuse) {
        public Check {
            atLeast = atLeast == null ? Map.of() : atLeast;
            refuse = refuse == null ? "PROVIDER_REJECTED" : refuse;
        }
    }

    /**
     * What the hub remembers from an operation's result, owned by the client: e.g. a wallet and its currency.
     * {@code key} and {@code detail} are JSLT over the outcome, which also carries {@code .message} and
     * {@code .payment} of the operation that made it. {@code payments}: money the provider reports arriving
     * into this thing (a webhook outcome naming it with {@code into: {record, key}}) becomes a payment of its
     * own of this operation (e.g. COLLECTION), owned by the thing's client (a transfer into a reserved account).
     */
    public record Recorded(String key, String detail, String payments) {
    }

    /**
     * A use of a recorded thing by a message: before a send it must exist, be the sending client's own (money
     * moves into or out of it, or the provider's answer shows it) and match; a status query only reads it.
     * With {@code as}, the thing found is handed to the mappings as {@code .resources.<name>}.
     */
    public record Use(String record, String key, Map<String, String> match, String as) {
        public Use {
            match = match == null ? Map.of() : match;
        }
    }

    /**
     * A canonical operation this provider carries. {@code authorize} and {@code resendAuthorization}: the
     * calls that release a transfer the provider holds for an authorization code (an OTP), and ask for a
     * new code. {@code result}: result field -> resource, the resource's recorded answer shown in the
     * payment's result (e.g. a fee preview); those listed in {@code onSuccess} are made once the provider
     * reports success, by the send or a status query (e.g. a receipt). {@code card}: the call that charges
     * a card posted to a payment waiting for one ({@code POST /api/v1/payments/{id}/card}); its request
     * mapping names the card's fields as {@code {"_transient": "card.number"}} placeholders, filled in after
     * the request is recorded, so the card never reaches a mapping, the timeline, a table or a log.
     * {@code cardNext}: a second call with the same card, made at once when the charge's answer comes to
     * the provider status it names (e.g. 3-D Secure authorized through a call of its own).
     */
    public record Operation(String request, String response, Call status, List<String> needs,
                            List<Use> uses, String records, boolean lookupFirst, Call authorize,
                            Call resendAuthorization, List<String> checks, Map<String, String> result,
                            List<String> onSuccess, Reconcile reconcile, Call card, CardStep cardNext, Expire expire) {
        public Operation {
            needs = needs == null ? List.of() : needs;
            uses = uses == null ? List.of() : uses;
            checks = checks == null ? List.of() : checks;
            result = result == null ? Map.of() : result;
            onSuccess = onSuccess == null ? List.of() : onSuccess;
        }

        public Call call() {
            return new Call(request, response, null, null);
        }
    }

    /**
     * A card call that follows the charge with the same card, while it is still in memory: made when the
     * charge's outcome has provider status {@code when}, through {@code request} and {@code response}; its outcome
     * is the payment's.
     */
    public record CardStep(String when, String request, String response) {
        public CardStep {
            if (when == null || when.isBlank()) {
                throw new IllegalArgumentException("cardNext: when (the charge's provider status it follows) is required");
            }
        }
    }

    /**
     * When a payment of the operation that nobody paid is given up (a hosted checkout the customer left):
     * {@code when}, a JSLT condition over the call input (e.g. {@code .message.method == "CHECKOUT"});
     * {@code after}, the setting holding how long after its creation (a duration, e.g. {@code 30m}); and the
     * call that closes it at the provider ({@code request}/{@code response}, with the records it {@code uses}),
     * so it can no longer be paid there. The close's answer is applied as a status (the provider's statuses
     * say it fails, e.g. with reason code EXPIRED); a close the provider refuses (it is being paid, or paid)
     * is followed at once by a status query, so a payment is never given up while its money may be moving.
     */
    public record Expire(String when, String after, String request, String response, List<Use> uses) {
        public Expire {
            uses = uses == null ? List.of() : uses;
            if (after == null || request == null || response == null) {
                throw new IllegalArgumentException("expire needs after (a setting), request and response");
            }
        }
    }

    /**
     * A call operators may make at the provider through {@code /api/v1/providers/<provider>/<call>} (a
     * wallet, a limit profile, a transaction listing): not a payment. {@code method}: the hub's verb
     * ({@code GET}: the input is the query; {@code POST} or {@code PUT}: a JSON body). {@code input}: every
     * field the caller may give, checked before anything is sent (others are refused). {@code request} and
     * {@code response}: the mappings (the request reads {@code .input} and {@code .config}; the response the
     * provider's answer). {@code auth}: how this one call authenticates, when not as {@code auth} says for
     * the provider (e.g. HTTP Basic where the provider's other calls use a bearer token).
     */
    public record OperatorCall(String method, String description, Map<String, Field> input, String request,
                               String response, Auth auth) {
        public OperatorCall {
            method = method == null ? "GET" : method.toUpperCase(java.util.Locale.ROOT);
            input = input == null ? Map.of() : input;
            if (!java.util.List.of("GET", "POST", "PUT").contains(method)) {
                throw new IllegalArgumentException("operatorCalls: method must be GET, POST or PUT, not '" + method + "'");
            }
            if (auth != null && auth.kind() == null) {
                throw new IllegalArgumentException("operatorCalls: auth needs a kind");
            }
        }
    }

    /**
     * One input field of an operator call: {@code type} ({@code string}, {@code number}, {@code integer},
     * {@code boolean}), {@code required}, and for strings a {@code pattern} the whole value must match and a
     * {@code maxLength}.
     */
    public record Field(String type, boolean required, String pattern, Integer maxLength, String description) {
        public Field {
            type = type == null ? "string" : type;
            if (!java.util.List.of("string", "number", "integer", "boolean").contains(type)) {
                throw new IllegalArgumentException("operatorCalls input: type must be string, number, integer or boolean, not '"
                        + type + "'");
            }
        }
    }

    /**
     * How a completed batch of this operation is compared with the provider's own record of it: {@code call}
     * names an operator call whose response mapping answers {@code {"transactions": [{reference, status,
     * amount}], "last"}} (the provider's statuses, read through statuses.yaml); {@code input} maps each of
     * the call's input fields to a JSLT expression over {@code {batch: {providerReference, ...}, page}}.
     */
    public record Reconcile(String call, Map<String, String> input, Integer pageSize) {
        public Reconcile {
            input = input == null ? Map.of() : input;
            pageSize = pageSize == null ? 100 : pageSize;
        }
    }

    /**
     * How the provider's own record of a period is compared with the hub's payments (reconciliation of
     * collections): {@code call} names an operator call whose response mapping answers {@code {"transactions":
     * [{reference, transactionReference, status, amount}], "last"}}; {@code input} maps each of its input
     * fields to a JSLT expression over {@code {from, to, page, pageSize}} (from and to in epoch milliseconds);
     * {@code operations}: the hub's payments compared (e.g. COLLECTION, INVOICE).
     */
    public record PeriodReconcile(String call, Map<String, String> input, Integer pageSize, List<String> operations) {
        public PeriodReconcile {
            input = input == null ? Map.of() : input;
            pageSize = pageSize == null ? 100 : pageSize;
            operations = operations == null ? List.of() : operations;
        }
    }

    /**
     * Final payments asked about again: what the provider lists later about payments it had settled (a transfer
     * it reversed after it succeeded, whose webhook an outage lost), found without a person. {@code operations}:
     * the hub's payments compared, those that became SUCCEEDED within {@code window} (e.g. {@code 3d});
     * {@code call}: an operator call listing the provider's transactions (its response mapping answers {@code
     * {"transactions": [{reference, transactionReference, status, amount, currency}], "last"}}); {@code input}:
     * its input fields as JSLT over {@code {from, to, page, pageSize}} (epoch milliseconds: from the oldest such
     * payment to now). A round runs every {@code every} (claimed once across hubs) and reads at most {@code
     * maxPages} pages of {@code pageSize}: the cost is bounded by the window, the pages and the rate. A row whose
     * status means REVERSED moves its SUCCEEDED payment to REVERSED, with its callback; any other status that
     * differs is noted on the payment's timeline for a person.
     */
    public record Recheck(List<String> operations, String call, Map<String, String> input, String window, String every,
                          Integer pageSize, Integer maxPages) {
        public Recheck {
            operations = operations == null ? List.of() : List.copyOf(operations);
            input = input == null ? Map.of() : input;
            pageSize = pageSize == null ? 100 : pageSize;
            maxPages = maxPages == null ? 10 : maxPages;
            if (operations.isEmpty() || call == null) {
                throw new IllegalArgumentException("recheck needs operations and a call");
            }
            org.springframework.boot.convert.DurationStyle.detectAndParse(window == null ? "" : window);
            org.springframework.boot.convert.DurationStyle.detectAndParse(every == null ? "" : every);
        }

        public java.time.Duration windowLength() {
            return org.springframework.boot.convert.DurationStyle.detectAndParse(window);
        }

        public java.time.Duration interval() {
            return org.springframework.boot.convert.DurationStyle.detectAndParse(every);
        }
    }

    /** Reads one declaration; the file's name must be the provider's. */
    public static ProviderDeclaration read(Path file) throws IOException {
        return parse(Files.readString(file), file);
    }

    /** A declaration from its text, as read from {@code file} (whose name must be the provider's). */
    static ProviderDeclaration parse(String text, Path file) throws IOException {
        ProviderDeclaration d = YAML.readValue(text, ProviderDeclaration.class);
        String expected = file.getFileName().toString().replace(SUFFIX, "");
        if (d.name() == null || !d.name().equals(expected)) {
            throw new IOException("name must be '" + expected + "' (the file's name)");
        }
        return new ProviderDeclaration(d.name, d.title, d.description, d.properties, d.auth, d.inbound, d.webhooks,
                d.lookup, d.status, d.resources, d.records, d.checks, d.operations, d.data, d.resend, d.operatorCalls,
                d.reconcile, d.recheck, d.reference, d.imports, file);
    }

    /** The declaration files under {@code <home>/routes/providers}: {@code <p>/<p>.provider.yaml}. */
    public static List<Path> files(Path home) throws IOException {
        Path dir = home.resolve("routes").resolve("providers");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    /**
     * Every declaration under {@code <home>/routes/providers}, by name, each checked against the published schema
     * ({@link DeclarationSchema}); any finding refuses them all, listed as {@code file:line: rule}.
     */
    public static Map<String, ProviderDeclaration> readAll(Path home) {
        return readAll(home, f -> DeclarationSchema.check(home, f));
    }

    /** Every declaration under {@code <home>/routes/providers}, by name, each as {@code check} finds it. */
    public static Map<String, ProviderDeclaration> readAll(Path home, java.util.function.Function<Path, DeclarationSchema.Checked> check) {
        Map<String, ProviderDeclaration> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try {
            for (Path f : files(home)) {
                DeclarationSchema.Checked checked = check.apply(f);
                checked.findings().forEach(finding -> problems.add(finding.toString()));
                if (checked.ok()) {
                    out.put(checked.declaration().name(), checked.declaration());
                }
            }
        } catch (IOException e) {
            problems.add(home.resolve("routes/providers") + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("provider declarations that do not load:\n  " + String.join("\n  ", problems));
        }
        return out;
    }
}
