package africa.payhub.canonical;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Copies JSON with secrets and card data replaced, for the timeline and any log line that shows a body. */
public final class Redactor {

    public static final String MASK = "[REDACTED]";

    private Redactor() {
    }

    public static JsonNode redact(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode out = Json.NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (Sensitive.isSensitiveKey(e.getKey()) && !e.getValue().isNull()) {
                    out.put(e.getKey(), MASK);
                } else {
                    out.set(Sensitive.maskPans(e.getKey()), redact(e.getValue()));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = Json.NODES.arrayNode();
            node.forEach(n -> out.add(redact(n)));
            return out;
        }
        if (node.isTextual()) {
            return Json.NODES.textNode(maskUrlSignatures(Sensitive.maskPans(node.textValue())));
        }
        if (node.isNumber() && Sensitive.containsPan(node.decimalValue())) {
            return Json.NODES.textNode(MASK);
        }
        return node;
    }

    /**
     * A URL as the hub shows it back (a callback's target): without a user name or password, and with the value
     * of any query parameter named like a credential or a signature replaced.
     */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String shown = url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@", "$1");
        if (shown.indexOf('?') < 0) {
            return shown;
        }
        StringBuilder out = new StringBuilder(shown.substring(0, shown.indexOf('?') + 1));
        String[] pairs = shown.substring(shown.indexOf('?') + 1).split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            String name = pairs[i].split("=", 2)[0];
            String decoded;
            try {
                decoded = java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = name;
            }
            out.append(i == 0 ? "" : "&").append(Sensitive.isSensitiveKey(decoded) && pairs[i].contains("=")
                    ? name + "=" + MASK : pairs[i]);
        }
        return maskUrlSignatures(out.toString());
    }

    /** A presigned URL's signature (S3-style {@code X-Amz-Signature=}, {@code Signature=}, {@code sig=}) is a credential. */
    private static final java.util.regex.Pattern URL_SIGNATURE =
            java.util.regex.Pattern.compile("(?i)([?&](?:x-amz-signature|x-goog-signature|signature|sig)=)[^&#\\s\"]+");

    static String maskUrlSignatures(String text) {
        return text.indexOf('=') < 0 ? text : URL_SIGNATURE.matcher(text).replaceAll("$1" + MASK);
    }
}
