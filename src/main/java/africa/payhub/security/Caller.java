package africa.payhub.security;

/** Who is calling the API: an enterprise client (sees only its own payments) or an operator. */
public record Caller(String name, boolean operator) {

    public static final String REQUEST_ATTRIBUTE = "hub.caller";

    /** The client id whose payments this caller may see, or null for an operator (sees all). */
    public String clientScope() {
        return operator ? null : name;
    }
}
