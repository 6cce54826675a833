package org.subnetatlas.jobs.sql;

import java.nio.file.Paths;
import java.util.Arrays;
import javax.security.sasl.AuthenticationException;
import org.apache.hadoop.conf.Configurable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.transforms.BadInputException;

/**
 * HiveServer2's custom password check ({@code hive.server2.authentication=CUSTOM}) against a
 * {@link UsersFile}. The server makes one instance per login with a fresh {@code HiveConf}, not the
 * server's own configuration, so the file's path is read from that configuration (a hive-site.xml)
 * or else from the JVM system property of the same name, which {@code atlas serve-sql} sets. The
 * file is read on every login: a user added or removed takes effect without a restart.
 */
public final class UsersFileAuthenticator implements PasswdAuthenticationProvider, Configurable {

  private static final Logger LOG = LoggerFactory.getLogger(UsersFileAuthenticator.class);
  // one answer for a wrong password and an unknown user, so a client cannot tell names that exist
  static final String REFUSED = "user name or password not accepted";

  private Configuration conf;

  public UsersFileAuthenticator() {}

  @Override
  public void setConf(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public Configuration getConf() {
    return conf;
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    String file = conf == null ? null : conf.get(SqlAuthentication.USERS_FILE_KEY);
    if (file == null || file.isBlank()) {
      file = System.getProperty(SqlAuthentication.USERS_FILE_KEY);
    }
    if (file == null || file.isBlank()) {
      LOG.error("serve-sql: login refused: {} is not set, so there is no users file", SqlAuthentication.USERS_FILE_KEY);
      throw new AuthenticationException(REFUSED);
    }
    UsersFile users;
    try {
      users = UsersFile.load(Paths.get(file));
    } catch (BadInputException e) {
      // the message names the file and line, never a hash
      LOG.error("serve-sql: login refused: {}", e.getMessage());
      throw new AuthenticationException(REFUSED);
    }
    char[] secret = password == null ? new char[0] : password.toCharArray();
    boolean ok;
    try {
      ok = users.verify(user, secret);
    } finally {
      Arrays.fill(secret, '\0');
    }
    if (!ok) {
      // an unknown name may be a password typed into the wrong field: it is not logged
      LOG.warn("serve-sql: login refused for {}", users.users().contains(user) ? "user " + user : "an unknown user name");
      throw new AuthenticationException(REFUSED);
    }
    LOG.info("serve-sql: user {} logged in", user);
  }
}
