package org.subnetatlas.jobs.sql;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.transforms.BadInputException;

/**
 * Who may use {@code atlas serve-sql}, and the log of what they ran. Without a users file the server
 * is for this machine alone: a bind address other than loopback is refused. With one, HiveServer2
 * checks every login against it ({@link UsersFileAuthenticator}). Either way each statement is
 * logged with its user ({@link QueryLog}).
 *
 * <p>Use: {@link #check} before anything listens, {@link #settings} into the session's
 * configuration, {@link #start} once the session is open, {@link #close} when the server stopped.
 */
public final class SqlAuthentication implements AutoCloseable {

  /** The users file's path, in a hive-site.xml or as a JVM system property. */
  public static final String USERS_FILE_KEY = "atlas.serve-sql.users-file";
  static final String CUSTOM_CLASS_KEY = "hive.server2.custom.authentication.class";

  private static final Logger LOG = LoggerFactory.getLogger(SqlAuthentication.class);

  private final Path usersFile;
  private final Map<String, String> savedProperties = new LinkedHashMap<>();
  private SparkSession spark;
  private QueryLog queryLog;

  private SqlAuthentication(Path usersFile) {
    this.usersFile = usersFile;
  }

  /**
   * Refuses a bind address reachable from other machines without a users file, and a users file
   * that is missing, unreadable, empty or malformed; {@code usersFile} null means no authentication.
   */
  public static SqlAuthentication check(String bind, InetAddress address, Path usersFile) {
    if (usersFile == null) {
      if (!address.isLoopbackAddress()) {
        throw new BadInputException("--bind " + bind + " is reachable from other machines: "
            + "give --users-file FILE too (atlas serve-sql-user adds users to it)");
      }
      return new SqlAuthentication(null);
    }
    UsersFile users = UsersFile.load(usersFile);
    if (users.readableByOthers()) {
      LOG.warn("serve-sql: users file {} is readable by other users; chmod 600 it", usersFile);
    }
    LOG.info("serve-sql: logins checked against {}, users {}", usersFile, String.join(", ", users.users()));
    return new SqlAuthentication(usersFile.toAbsolutePath());
  }

  public boolean enabled() {
    return usersFile != null;
  }

  /** Session settings that turn HiveServer2's password check on; none when it is off. */
  public Map<String, String> settings() {
    if (usersFile == null) {
      return Map.of();
    }
    return Map.of(
        "spark.hadoop.hive.server2.authentication", "CUSTOM",
        "spark.hadoop." + CUSTOM_CLASS_KEY, UsersFileAuthenticator.class.getName(),
        "spark.hadoop." + USERS_FILE_KEY, usersFile.toString(),
        // the logged-in user is the session's user: no client-chosen proxy user in its place
        "spark.hadoop.hive.server2.allow.user.substitution", "false");
  }

  /** Starts the statement log and hands the provider its settings; call before the server starts. */
  public void start(SparkSession session) {
    this.spark = session;
    SparkConf conf = session.sparkContext().getConf();
    String redaction = conf.get("spark.sql.redaction.string.regex", conf.get("spark.redaction.string.regex", ""));
    queryLog = new QueryLog(redaction);
    session.sparkContext().addSparkListener(queryLog);
    if (usersFile != null) {
      // the provider is built from a fresh HiveConf, which sees system properties, not the session
      setProperty(CUSTOM_CLASS_KEY, UsersFileAuthenticator.class.getName());
      setProperty(USERS_FILE_KEY, usersFile.toString());
    }
  }

  private void setProperty(String key, String value) {
    savedProperties.put(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  @Override
  public void close() {
    if (spark != null && queryLog != null) {
      spark.sparkContext().removeSparkListener(queryLog);
    }
    savedProperties.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
    savedProperties.clear();
  }
}
