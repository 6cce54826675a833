package org.subnetatlas.transforms.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.transforms.ReleaseBuilder.FileEntry;
import org.subnetatlas.transforms.ReleaseBuilder.Spec;

/**
 * A release's {@code manifest.json}: what was built from which table versions, and every file
 * with its sha-256. Written with sorted map keys and indentation so a rebuild gives the same bytes.
 */
public final class ReleaseManifest {

  static final int FORMAT_VERSION = 2;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /**
   * What a rebuild of an existing release starts from, read back from its manifest, and what built
   * it: {@code codeVersion} and {@code writers} (empty for manifests written before they were kept).
   */
  public record Pinned(LocalDate buildDate, Map<String, Long> versions, List<FileEntry> files,
      String codeVersion, Map<String, String> writers) {}

  /**
   * The libraries whose versions decide a release's bytes: Spark and Parquet write the Parquet and
   * CSV files, Delta reads the pinned versions, and Java formats the doubles in CSV and datasheet.
   */
  public static Map<String, String> writers() {
    Map<String, String> out = new TreeMap<>();
    out.put("delta", io.delta.package$.MODULE$.VERSION());
    out.put("java", System.getProperty("java.specification.version"));
    out.put("parquet", org.apache.parquet.Version.VERSION_NUMBER);
    out.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    return out;
  }

  private final ObjectNode tables = JSON.createObjectNode();

  /** Adds an exported table, in the order the release exports them. */
  public void addTable(TableDef t, long deltaVersion, long rows, StructType schema) {
    ObjectNode table = tables.putObject(t.name());
    table.put("delta_version", deltaVersion);
    table.put("rows", rows);
    table.set("key", JSON.valueToTree(t.keyColumns()));
    table.set("schema", readJson(schema.json().getBytes(StandardCharsets.UTF_8)));
  }

  /** The manifest's bytes: the tables added so far, {@code entries} in the order given. */
  public byte[] bytes(Spec spec, List<FileEntry> entries, List<String> notes) {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("format_version", FORMAT_VERSION);
    manifest.put("tag", spec.tag());
    manifest.put("build_date", spec.buildDate() == null ? null : spec.buildDate().toString());
    manifest.put("code_version", spec.codeVersion());
    manifest.set("writers", JSON.valueToTree(writers()));
    manifest.set("config", JSON.valueToTree(spec.config()));
    manifest.set("tables", tables);
    ArrayNode list = manifest.putArray("files");
    for (FileEntry f : entries) {
      ObjectNode o = list.addObject();
      o.put("path", f.path());
      o.put("sha256", f.sha256());
      if (f.rows() == null) {
        o.putNull("rows");
      } else {
        o.put("rows", f.rows());
      }
    }
    manifest.set("notes", JSON.valueToTree(notes));
    try {
      return (JSON.writeValueAsString(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The build date, pinned versions and files of a manifest written by {@link #bytes}. */
  public static Pinned read(byte[] bytes) {
    JsonNode manifest = readJson(bytes);
    Map<String, Long> versions = new TreeMap<>();
    manifest.get("tables").fields().forEachRemaining(
        e -> versions.put(e.getKey(), e.getValue().get("delta_version").asLong()));
    List<FileEntry> files = new ArrayList<>();
    manifest.get("files").forEach(f -> files.add(new FileEntry(f.get("path").asText(),
        f.get("sha256").asText(), f.get("rows").isNull() ? null : f.get("rows").asLong())));
    LocalDate buildDate = manifest.get("build_date").isNull() ? null
        : LocalDate.parse(manifest.get("build_date").asText());
    Map<String, String> writers = new TreeMap<>();
    if (manifest.has("writers")) {
      manifest.get("writers").fields().forEachRemaining(e -> writers.put(e.getKey(), e.getValue().asText()));
    }
    return new Pinned(buildDate, versions, files, manifest.get("code_version").asText(), writers);
  }

  private static JsonNode readJson(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON", e);
    }
  }
}
