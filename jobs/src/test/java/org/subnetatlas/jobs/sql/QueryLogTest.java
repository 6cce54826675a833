package org.subnetatlas.jobs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the query log writes of a statement: one line, bounded, redacted when asked. */
class QueryLogTest {

  @Test
  void aStatementBecomesOneLine() {
    QueryLog log = new QueryLog("");
    assertEquals("SELECT 1 FROM t -- note", log.text("SELECT 1\n FROM\tt\r\n-- note\n"));
    assertEquals("", log.text(null));
  }

  @Test
  void longStatementsAreCutAndSayHowLongTheyWere() {
    String text = new QueryLog(null).text("SELECT '" + "x".repeat(5000) + "'");
    assertTrue(text.endsWith("… (5009 chars)"), text.substring(3990));
    assertEquals(4000 + "… (5009 chars)".length(), text.length());
  }

  @Test
  void sparksRedactionPatternIsApplied() {
    QueryLog log = new QueryLog("(?i)secret_key\\s*=\\s*'[^']*'");
    assertEquals("CREATE TABLE t OPTIONS (*********(redacted))",
        log.text("CREATE TABLE t OPTIONS (secret_key = 'abc')"));
  }
}
