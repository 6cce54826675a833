package org.subnetatlas.jobs.sql;

import java.time.Instant;
import java.util.regex.Pattern;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationStart;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerSessionCreated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per JDBC session and per statement, with the session's user and the start time:
 * who asked what of the server. It listens to the events the Thrift server posts for its own UI,
 * which carry the authenticated user name; passwords never reach them. Statement text goes through
 * Spark's redaction pattern ({@code spark.sql.redaction.string.regex}) when one is set.
 */
final class QueryLog extends SparkListener {

  private static final Logger LOG = LoggerFactory.getLogger(QueryLog.class);
  private static final int MAX_CHARS = 4000;

  private final Pattern redaction;

  QueryLog(String redactionRegex) {
    this.redaction = redactionRegex == null || redactionRegex.isBlank() ? null : Pattern.compile(redactionRegex);
  }

  @Override
  public void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerThriftServerOperationStart s) {
      LOG.info("serve-sql: {} user {} session {}: {}", Instant.ofEpochMilli(s.startTime()), s.userName(),
          s.sessionId(), text(s.statement()));
    } else if (event instanceof SparkListenerThriftServerSessionCreated c) {
      LOG.info("serve-sql: {} user {} opened session {} from {}", Instant.ofEpochMilli(c.startTime()),
          c.userName(), c.sessionId(), c.ip());
    }
  }

  /** One line, so a statement cannot forge log lines, and bounded. */
  String text(String statement) {
    String s = statement == null ? "" : statement;
    if (redaction != null) {
      s = redaction.matcher(s).replaceAll("*********(redacted)");
    }
    s = s.replaceAll("\\s+", " ").strip();
    return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS) + "… (" + s.length() + " chars)";
  }
}
