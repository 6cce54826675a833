package org.subnetatlas.udfs.spark;

import java.io.Serializable;
import java.sql.Date;

/** The run and build date that a task's output rows are stamped with. */
public record RunStamp(String runId, Date buildDate) implements Serializable {

  public static RunStamp of(String runId, java.time.LocalDate buildDate) {
    return new RunStamp(runId, Date.valueOf(buildDate));
  }
}
