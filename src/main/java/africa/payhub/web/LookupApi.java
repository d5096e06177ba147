package africa.payhub.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.FieldError;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.provider.Lookups;
import africa.payhub.provider.Outcomes;
import africa.payhub.provider.ProviderCatalog;
import africa.payhub.provider.ProviderException;
import africa.payhub.provider.ProviderRejectedException;
import africa.payhub.security.Caller;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * POST /api/v1/lookups: who holds an account at a provider, and whether it is active. Synchronous, not a
 * payment: 200 with the holder's name and the account's status, 404 when the provider knows no such
 * account, 422 when it refuses the question, 503 when it cannot be reached.
 */
@Component("lookupApi")
public class LookupApi {

    private final Lookups lookups;
    private final ProviderCatalog providers;
    private final Outcomes outcomes;

    public LookupApi(Lookups lookups, ProviderCatalog providers, Outcomes outcomes) {
        this.lookups = lookups;
        this.providers = providers;
        this.outcomes = outcomes;
    }

    public void lookup(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        JsonNode body;
        try {
            body = Json.parse(exchange.getMessage().getBody(byte[].class));
        } catch (IOException | RuntimeException e) {
            throw Refusal.invalid("body", "must be JSON: {\"provider\": \"connect\", \"account\": {...}}");
        }
        if (body == null || !body.isObject()) {
            throw Refusal.invalid("body", "must be a JSON object");
        }
        String provider = body.path("provider").asText("");
        JsonNode account = body.path("account");
        List<FieldError> errors = validate(provider, account);
        if (!errors.isEmpty()) {
            throw Refusal.invalid(errors);
        }
        Lookups.Found found;
        try {
            found = lookups.lookup(caller.name(), provider, account);
        } catch (ProviderRejectedException refused) {
            throw refusal(caller, provider, account, refused);
        } catch (ProviderException | IllegalStateException unreachable) {
            throw Refusal.unavailable(provider + " could not be asked right now: "
                    + unreachable.getMessage() + "; try again");
        }
        ObjectNode out = Json.object();
        out.put("provider", provider);
        out.set("account", account);
        out.put("holderName", found.account().path("holderName").asText(null));
        out.put("accountStatus", found.account().path("accountStatus").asText(null));
        out.put("cached", found.cached());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(out));
    }

    private Refusal refusal(Caller caller, String provider, JsonNode account, ProviderRejectedException refused) {
        Outcomes.Rejection refusal = outcomes.classify(refused);
        if ("INVALID_ACCOUNT".equals(refusal.rule().reasonCode())) {
            lookups.notFound(caller.name(), provider, account);
            return Refusal.notFound(provider + " knows no such account");
        }
        return Refusal.unprocessable(provider + " refused the lookup (" + refusal.rule().reasonCode() + ")"
                + (refusal.message() == null ? "" : ": " + refusal.message()));
    }

    private List<FieldError> validate(String provider, JsonNode account) {
        List<FieldError> errors = new ArrayList<>();
        if (provider.isBlank()) {
            errors.add(new FieldError("provider", "is required"));
        } else if (providers.provider(provider).isEmpty()) {
            errors.add(new FieldError("provider", "unknown provider '" + provider + "'"));
        } else if (!providers.hasRoute(provider + "-lookup")) {
            errors.add(new FieldError("provider", provider + " offers no account lookups"));
        }
        if (!account.isObject()) {
            errors.add(new FieldError("account", "is required"));
            return errors;
        }
        String type = account.path("type").asText("");
        switch (type) {
            case "BANK_ACCOUNT" -> {
                if (!account.path("accountNumber").asText("").matches("[A-Za-z0-9-]{1,34}")) {
                    errors.add(new FieldError("account.accountNumber", "is required for a BANK_ACCOUNT"));
                }
                if (!account.path("bankCode").asText("").matches("[A-Za-z0-9]{2,11}")) {
                    errors.add(new FieldError("account.bankCode", "is required for a BANK_ACCOUNT"));
                }
            }
            case "WALLET" -> {
                boolean phone = account.path("phone").asText("").matches("\\+?[0-9]{7,15}");
                boolean email = account.path("email").asText("").matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
                if (!phone && !email) {
                    errors.add(new FieldError("account", "a WALLET is looked up by phone or email"));
                }
            }
            default -> errors.add(new FieldError("account.type", "must be BANK_ACCOUNT or WALLET"));
        }
        account.fieldNames().forEachRemaining(f -> {
            if (!List.of("type", "accountNumber", "bankCode", "phone", "email").contains(f)) {
                errors.add(new FieldError("account." + f, "is not a known field"));
            }
        });
        return errors;
    }
}
