package africa.payhub.provider;

/** A mapping file is missing or broken, or a template failed on this message: nothing was sent. */
public class MappingException extends RuntimeException {

    public MappingException(String message, Throwable cause) {
        super(message, cause);
    }

    public MappingException(String message) {
        super(message);
    }
}
