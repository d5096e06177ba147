package africa.payhub.web;

import java.io.IOException;
import java.util.List;

import africa.payhub.canonical.FieldError;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;

/** An RFC 9457 problem document: what went wrong, in a shape every client can parse. */
public record Problem(int status, String title, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem(status, title, detail, List.of());
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "about:blank");
        node.put("title", title);
        node.put("status", status);
        if (detail != null) {
            node.put("detail", detail);
        }
        if (errors != null && !errors.isEmpty()) {
            ArrayNode list = node.putArray("errors");
            errors.forEach(e -> list.addObject().put("field", e.field()).put("message", e.message()));
        }
        return node;
    }

    public void write(HttpServletResponse res, ObjectMapper mapper) throws IOException {
        res.setStatus(status);
        res.setContentType(MEDIA_TYPE);
        mapper.writeValue(res.getOutputStream(), toJson());
    }
}
