package africa.payhub.callback;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The address check of {@link CallbackTargets}, for tests in other packages. */
public final class CallbackTargetsAccess {

    private CallbackTargetsAccess() {
    }

    public static boolean isPublic(String literal) {
        try {
            return CallbackTargets.publicAddress(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
