package org.subnetatlas.schemas;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One Delta table of the {@code atlas} database: its columns, the columns that identify a row
 * (MERGE key), its partition columns and table properties.
 */
public record TableDef(
    String name,
    String comment,
    StructType schema,
    List<String> keyColumns,
    List<String> partitionColumns,
    Map<String, String> properties) {

  public static final String DATABASE = "atlas";

  public TableDef {
    requireNonNull(name, "name");
    requireNonNull(schema, "schema");
    keyColumns = List.copyOf(keyColumns);
    partitionColumns = List.copyOf(partitionColumns);
    properties = Map.copyOf(properties);
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String c : keyColumns) {
      if (!names.contains(c)) {
        throw new IllegalArgumentException("table " + name + ": key column " + c + " not in schema");
      }
    }
    for (String c : partitionColumns) {
      if (!names.contains(c)) {
        throw new IllegalArgumentException(
            "table " + name + ": partition column " + c + " not in schema");
      }
    }
  }

  /** {@code atlas.<name>}. */
  public String qualifiedName() {
    return DATABASE + "." + name;
  }

  /** {@code CREATE TABLE IF NOT EXISTS} statement for a Delta table at {@code location}. */
  public String createDdl(String location) {
    String columns = Arrays.stream(schema.fields())
        .map(TableDef::columnDdl)
        .collect(Collectors.joining(",\n  "));
    StringBuilder ddl = new StringBuilder()
        .append("CREATE TABLE IF NOT EXISTS ").append(qualifiedName()).append(" (\n  ")
        .append(columns).append(")\nUSING DELTA");
    if (!partitionColumns.isEmpty()) {
      ddl.append("\nPARTITIONED BY (").append(String.join(", ", partitionColumns)).append(")");
    }
    ddl.append("\nLOCATION '").append(location.replace("'", "\\'")).append("'");
    if (comment != null) {
      ddl.append("\nCOMMENT '").append(comment.replace("'", "\\'")).append("'");
    }
    if (!properties.isEmpty()) {
      ddl.append("\nTBLPROPERTIES (")
          .append(properties.entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .map(e -> "'" + e.getKey() + "' = '" + e.getValue() + "'")
              .collect(Collectors.joining(", ")))
          .append(")");
    }
    return ddl.toString();
  }

  /**
   * The named columns as this table declares them (type, nullability), in the order given: the
   * schema of a task's rows that the writer completes. Comments are left out; they are the DDL's.
   */
  public StructType columns(String... names) {
    List<String> declared = Arrays.asList(schema.fieldNames());
    StructType out = new StructType();
    for (String n : names) {
      if (!declared.contains(n)) {
        throw new IllegalArgumentException("table " + name + ": column " + n + " not in schema");
      }
      StructField f = schema.apply(n);
      out = out.add(new StructField(f.name(), f.dataType(), f.nullable(), Metadata.empty()));
    }
    return out;
  }

  /** MERGE condition joining target {@code t} and source {@code s} on the key columns. */
  public String keyCondition(String target, String source) {
    return keyColumns.stream()
        .map(c -> target + "." + c + " <=> " + source + "." + c)
        .collect(Collectors.joining(" AND "));
  }

  private static String columnDdl(StructField f) {
    String ddl = "`" + f.name() + "` " + f.dataType().sql();
    if (!f.nullable()) {
      ddl += " NOT NULL";
    }
    if (f.getComment().isDefined()) {
      ddl += " COMMENT '" + f.getComment().get().replace("'", "\\'") + "'";
    }
    return ddl;
  }
}
