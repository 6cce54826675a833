package org.subnetatlas.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.sql.SqlGuard;
import org.subnetatlas.jobs.sql.SqlPolicy;
import org.subnetatlas.transforms.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code atlas sql "QUERY"}: runs one SQL statement over the catalog and prints the result on
 * stdout alone (logs go to stderr), as an aligned table, CSV or JSON lines. Read-only unless
 * {@code --allow-writes}: {@link SqlGuard} refuses statements that would change anything.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Run a SQL query over the atlas tables (e.g. atlas.measurements) and print the result.")
final class SqlCommand extends AtlasCommand {

  enum Format { table, csv, json }

  @Parameters(index = "0", paramLabel = "QUERY", description = "One SQL statement.")
  String query;

  @Option(names = "--format", defaultValue = "table",
      description = "table | csv (one header line, then rows) | json (one object per line). Default: ${DEFAULT-VALUE}.")
  Format format;

  @Mixin
  SqlWriteOption writes = new SqlWriteOption();

  @Override
  public Integer call() {
    AtlasConfig config = config();
    SparkSession spark = AtlasSession.openForAnalysts(config, "atlas sql", SqlPolicy.forCli(writes.allowWrites));
    try {
      Dataset<Row> result;
      try {
        result = spark.sql(query);
      } catch (Exception e) {
        // Scala declares no checked exceptions; ParseException is an AnalysisException
        if (e instanceof AnalysisException) {
          throw new BadInputException("query: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        throw e;
      }
      print(result, format, System.out);
      return 0;
    } finally {
      spark.stop();
    }
  }

  static void print(Dataset<Row> result, Format format, PrintStream out) {
    String[] names = result.columns();
    switch (format) {
      case json -> result.toJSON().collectAsList().forEach(out::println);
      case csv -> {
        out.println(String.join(",", List.of(names).stream().map(SqlCommand::csvField).toList()));
        for (Row r : result.collectAsList()) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < names.length; i++) {
            cells.add(r.isNullAt(i) ? "" : csvField(String.valueOf(r.get(i))));
          }
          out.println(String.join(",", cells));
        }
      }
      case table -> printTable(names, result.collectAsList(), out);
    }
    out.flush();
  }

  private static void printTable(String[] names, List<Row> rows, PrintStream out) {
    int[] width = new int[names.length];
    List<String[]> cells = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      width[i] = names[i].length();
    }
    for (Row r : rows) {
      String[] line = new String[names.length];
      for (int i = 0; i < names.length; i++) {
        line[i] = r.isNullAt(i) ? "NULL" : String.valueOf(r.get(i));
        width[i] = Math.max(width[i], line[i].length());
      }
      cells.add(line);
    }
    out.println(row(names, width));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    out.println(rule);
    cells.forEach(c -> out.println(row(c, width)));
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static String row(String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      sb.append(i == 0 ? "" : " | ").append(String.format("%-" + Math.max(1, width[i]) + "s", cells[i]));
    }
    return sb.toString().stripTrailing();
  }

  static String csvField(String v) {
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
