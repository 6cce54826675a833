package org.subnetatlas.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.output.TeeOutputStream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log event of the JVM, with the Thrift server's, Hive's and Thrift's own loggers raised to
 * DEBUG (to this capture only), and a copy of everything written to stdout and stderr, until
 * {@link #stop()}: for tests that show a secret reaches no log.
 */
final class LogCapture extends AbstractAppender {
  // loggers the configuration does not name, so they can be added and removed again
  private static final List<String> VERBOSE = List.of("org.apache.hive", "org.apache.thrift",
      "org.apache.spark.sql.hive.thriftserver");
  private final List<String> lines = new ArrayList<>();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  private LogCapture() {
    super("sql-auth-capture", null, null, true, Property.EMPTY_ARRAY);
  }

  static LogCapture install() {
    LogCapture c = new LogCapture();
    c.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration cfg = ctx.getConfiguration();
    cfg.addAppender(c);
    for (LoggerConfig lc : cfg.getLoggers().values()) {
      lc.addAppender(c, Level.ALL, null);
    }
    cfg.getRootLogger().addAppender(c, Level.ALL, null);
    for (String name : VERBOSE) {
      LoggerConfig own = new LoggerConfig(name, Level.DEBUG, false);
      own.addAppender(c, Level.ALL, null);
      cfg.addLogger(name, own);
    }
    ctx.updateLoggers();
    c.oldOut = System.out;
    c.oldErr = System.err;
    System.setOut(new PrintStream(new TeeOutputStream(c.oldOut, c.console), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new TeeOutputStream(c.oldErr, c.console), true, StandardCharsets.UTF_8));
    return c;
  }

  @Override
  public synchronized void append(LogEvent event) {
    String line = event.getLevel() + " " + event.getLoggerName().replaceAll(".*\\.", "") + ": "
        + event.getMessage().getFormattedMessage();
    if (event.getThrown() != null) {
      StringWriter sw = new StringWriter();
      event.getThrown().printStackTrace(new PrintWriter(sw));
      line = line + "\n" + sw;
    }
    lines.add(line);
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  @Override
  public boolean stop(long timeout, TimeUnit unit) {
    if (oldOut != null) {
      System.setOut(oldOut);
      System.setErr(oldErr);
      oldOut = null;
    }
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration cfg = ctx.getConfiguration();
    for (String name : VERBOSE) {
      cfg.removeLogger(name);
    }
    for (LoggerConfig lc : cfg.getLoggers().values()) {
      lc.removeAppender(getName());
    }
    cfg.getRootLogger().removeAppender(getName());
    ctx.updateLoggers();
    return super.stop(timeout, unit);
  }
}
