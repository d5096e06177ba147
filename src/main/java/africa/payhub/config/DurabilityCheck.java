package africa.payhub.config;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * An acknowledgement (202) means the payment is on disk. At start the hub asks its database how it
 * commits: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} must be on (a commit
 * the server acknowledges before it reaches the disk is lost when the server dies, and the client, told
 * 202, would never send it again, or would send it again under a new message id). The {@code prod} profile
 * refuses to start; elsewhere the hub warns loudly. {@code hub.database.require-durable} overrides, outside
 * production only ({@link ProductionChecks} refuses it switched off in prod).
 */
@Component
public class DurabilityCheck implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(DurabilityCheck.class);

    /** The settings checked, each with the value a durable commit needs. */
    static final Map<String, String> REQUIRED = Map.of("fsync", "on", "synchronous_commit", "on",
            "full_page_writes", "on");

    private final DataSource dataSource;
    private final boolean refuse;

    public DurabilityCheck(DataSource dataSource, Environment env) {
        this.dataSource = dataSource;
        this.refuse = env.getProperty("hub.database.require-durable", Boolean.class,
                Arrays.asList(env.getActiveProfiles()).contains("prod"));
    }

    @Override
    public void afterPropertiesSet() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            check(c, refuse);
        }
    }

    /**
     * Reads the settings on this connection; refuses (an exception naming every problem) or warns.
     *
     * @return the problems found, empty when every commit is durable
     */
    public static List<String> check(Connection connection, boolean refuse) throws SQLException {
        List<String> problems = problems(settings(connection));
        if (problems.isEmpty()) {
            return problems;
        }
        String text = "the database acknowledges commits before they are durable: " + String.join("; ", problems)
                + ". An accepted payment could be lost if the database stops, and be paid twice when the client"
                + " sends it again";
        if (refuse) {
            throw new IllegalStateException("The hub refuses to start: " + text
                    + " (set these on the server; outside production, hub.database.require-durable=false accepts the risk)");
        }
        LOG.warn("\n**********\n*** NOT DURABLE: {}\n**********", text);
        return problems;
    }

    /** The current value of each checked setting, as the server reports it for this session. */
    static Map<String, String> settings(Connection connection) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement s = connection.createStatement()) {
            for (String name : REQUIRED.keySet()) {
                try (ResultSet rs = s.executeQuery("SELECT current_setting('" + name + "')")) {
                    rs.next();
                    out.put(name, rs.getString(1));
                }
            }
        }
        return out;
    }

    static List<String> problems(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        REQUIRED.forEach((name, required) -> {
            String actual = settings.get(name);
            // synchronous_commit: remote_write, remote_apply and on all wait for the local flush; local too
            boolean ok = "synchronous_commit".equals(name)
                    ? List.of("on", "local", "remote_write", "remote_apply").contains(actual)
                    : required.equals(actual);
            if (!ok) {
                problems.add(name + " is " + actual + " (needs " + required + ")");
            }
        });
        return problems;
    }
}
