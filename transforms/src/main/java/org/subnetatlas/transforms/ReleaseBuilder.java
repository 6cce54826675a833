package org.subnetatlas.transforms;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.schemas.Tables;
import org.subnetatlas.schemas.Tables.Releases;
import org.subnetatlas.transforms.release.ReleaseExport;
import org.subnetatlas.transforms.release.ReleaseLog;
import org.subnetatlas.transforms.release.ReleaseManifest;

/**
 * A release: every table pinned at a Delta version and exported from that version as one Parquet
 * and one CSV file each, with {@code manifest.json}, {@code DATASHEET.md} and plots, under
 * {@code <warehouse>/releases/<tag>/}. The folder is built aside and moved into place, so a failed
 * release leaves nothing. A tag that exists is rebuilt from its pinned versions and must come out
 * byte for byte the same; otherwise the release fails and the existing folder stays as it was.
 */
public final class ReleaseBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseBuilder.class);

  /** What to release: {@code config} is recorded in the manifest as given. */
  public record Spec(String tag, LocalDate buildDate, String warehouse, String codeVersion,
      Map<String, String> config) {
    public Spec {
      requireNonNull(tag, "tag");
      requireNonNull(warehouse, "warehouse");
      requireNonNull(codeVersion, "codeVersion");
      config = new TreeMap<>(config);
    }
  }

  /** One file of a release, relative to the release folder. */
  public record FileEntry(String path, String sha256, Long rows) {}

  /** A release on disk: {@code verified} when the tag existed and its rebuild matched. */
  public record Release(String tag, String location, Map<String, Long> versions,
      List<FileEntry> files, String manifestSha256, boolean verified) {
    /** sha-256 of the files list (path, sha-256, rows per line): what a rebuild must reproduce. */
    public String filesSha256() {
      StringBuilder sb = new StringBuilder();
      files.forEach(f -> sb.append(f.path()).append(' ').append(f.sha256()).append(' ')
          .append(f.rows()).append('\n'));
      return WarehouseFiles.sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The tag is not usable as a folder name. */
  public static final class BadTagException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadTagException(String message) {
      super(message);
    }
  }

  private ReleaseBuilder() {}

  /** Tables a release exports: every table but the release log itself. */
  public static List<TableDef> exported() {
    return Tables.all().stream().filter(t -> t != Releases.TABLE).toList();
  }

  public static void checkTag(String tag) {
    if (tag == null || !tag.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new BadTagException("--tag " + tag + ": not a release tag (letters, digits, '.', '_',"
          + " '-'; starts with a letter or digit; at most 100 characters)");
    }
  }

  /**
   * Releases {@code spec.tag()}. A new tag runs {@code gates} first (which throw to refuse), pins
   * the current versions and builds; an existing one is rebuilt from its pinned versions and
   * verified against the folder, or against {@code atlas.releases} when the folder is gone.
   */
  public static Release release(SparkSession spark, Spec spec, Runnable gates) {
    checkTag(spec.tag());
    String releases = spec.warehouse() + "/releases";
    String location = releases + "/" + spec.tag();
    try (WarehouseFiles files = WarehouseFiles.open(spark, location)) {
      if (files.exists(location + "/manifest.json")) {
        return verifyExisting(spark, spec, files, location);
      }
      Map<String, Long> pinned = ReleaseLog.recordedVersions(spark, spec.tag());
      String recordedSha = null;
      if (pinned != null) {
        recordedSha = ReleaseLog.recordedFilesSha(spark, spec.tag());
        LOG.info("release {}: folder missing, rebuilding from recorded versions {}", spec.tag(),
            pinned);
      } else {
        gates.run();
        pinned = currentVersions(spark);
      }
      String tmp = releases + "/.tmp-" + spec.tag() + "-" + System.nanoTime();
      try {
        Release built = build(spark, spec, pinned, files, tmp, location);
        if (recordedSha != null && !recordedSha.equals(built.filesSha256())) {
          throw new IllegalStateException("release " + spec.tag() + ": the files rebuilt from the"
              + " recorded versions differ from the recorded release (files sha256 "
              + built.filesSha256() + ", recorded " + recordedSha + "); nothing written");
        }
        if (!files.rename(tmp, location)) {
          throw new IllegalStateException("release " + spec.tag() + ": " + location
              + " appeared while building; nothing replaced");
        }
        ReleaseLog.record(spark, spec, built);
        LOG.info("release {}: {} files at {} (versions {})", spec.tag(), built.files().size(),
            location, pinned);
        return built;
      } finally {
        files.deleteRecursively(tmp);
      }
    }
  }

  private static Release verifyExisting(SparkSession spark, Spec spec, WarehouseFiles files,
      String location) {
    ReleaseManifest.Pinned manifest = ReleaseManifest.read(files.read(location + "/manifest.json"));
    Map<String, Long> pinned = manifest.versions();
    List<FileEntry> existing = manifest.files();
    String tmp = spec.warehouse() + "/releases/.tmp-" + spec.tag() + "-" + System.nanoTime();
    try {
      Spec pinnedSpec = new Spec(spec.tag(), manifest.buildDate(), spec.warehouse(),
          spec.codeVersion(), spec.config());
      Release rebuilt = build(spark, pinnedSpec, pinned, files, tmp, location);
      List<String> differ = differences(existing, rebuilt.files());
      if (!differ.isEmpty()) {
        throw new IllegalStateException("release " + spec.tag() + " exists and a rebuild from its"
            + " pinned versions differs (" + String.join("; ", differ) + "); left unchanged"
            + builtBy(manifest, spec.codeVersion()));
      }
      // the comparison itself, file by file, so a scheduler's log shows what was verified
      for (FileEntry f : existing) {
        LOG.info("release {}: {} sha256 {} rebuilt identical", spec.tag(), f.path(), f.sha256());
      }
      String sha = WarehouseFiles.sha256(files.read(location + "/manifest.json"));
      Release release = new Release(spec.tag(), location, pinned, existing, sha, true);
      ReleaseLog.record(spark, pinnedSpec, release);
      LOG.info("release {}: exists; rebuilt from pinned versions {}: all {} files identical",
          spec.tag(), pinned, existing.size());
      return release;
    } finally {
      files.deleteRecursively(tmp);
    }
  }

  /** Why a rebuild may differ when the release was built by other code or libraries. */
  private static String builtBy(ReleaseManifest.Pinned manifest, String codeVersion) {
    Map<String, String> now = ReleaseManifest.writers();
    if (manifest.codeVersion().equals(codeVersion) && manifest.writers().equals(now)) {
      return "";
    }
    return "; it was built by code " + manifest.codeVersion() + " with " + manifest.writers()
        + ", this is code " + codeVersion + " with " + now
        + ": rebuild it with the code and libraries it pins";
  }

  static List<String> differences(List<FileEntry> expected, List<FileEntry> actual) {
    Map<String, FileEntry> byPath = new TreeMap<>();
    actual.forEach(f -> byPath.put(f.path(), f));
    List<String> out = new ArrayList<>();
    for (FileEntry e : expected) {
      FileEntry a = byPath.remove(e.path());
      if (a == null) {
        out.add(e.path() + " missing");
      } else if (!a.equals(e)) {
        out.add(e.path() + " sha256 " + a.sha256() + " != " + e.sha256());
      }
    }
    byPath.keySet().forEach(p -> out.add(p + " new"));
    return out;
  }

  /** The current Delta version of every exported table. */
  public static Map<String, Long> currentVersions(SparkSession spark) {
    Map<String, Long> out = new TreeMap<>();
    for (TableDef t : exported()) {
      out.put(t.name(), DeltaWrites.currentVersion(spark, t));
    }
    return out;
  }

  /** Builds the whole release into {@code tmp}. */
  private static Release build(SparkSession spark, Spec spec, Map<String, Long> versions,
      WarehouseFiles files, String tmp, String location) {
    String scratch = tmp + "/.scratch";
    List<FileEntry> entries = new ArrayList<>();
    ReleaseManifest manifest = new ReleaseManifest();
    Map<String, Dataset<Row>> frames = new LinkedHashMap<>();
    for (Map.Entry<String, Long> v : versions.entrySet()) {
      TableDef t = Tables.byName(v.getKey());
      Dataset<Row> rows = ReleaseExport.pinned(spark, t, v.getValue());
      frames.put(t.name(), rows);
      long count = rows.count();
      for (String path : ReleaseExport.write(files, rows, t, scratch, tmp)) {
        entries.add(new FileEntry(path, files.sha256(tmp + "/" + path), count));
      }
      manifest.addTable(t, v.getValue(), count, rows.schema());
    }
    files.deleteRecursively(scratch);

    List<String> notes = new ArrayList<>();
    List<ReleasePlots.Point> points = ReleaseDatasheet.points(frames);
    for (Map.Entry<String, byte[]> png : ReleasePlots.draw(points, notes).entrySet()) {
      String path = "plots/" + png.getKey();
      files.write(tmp + "/" + path, png.getValue());
      entries.add(new FileEntry(path, WarehouseFiles.sha256(png.getValue()), null));
    }
    byte[] datasheet = ReleaseDatasheet.markdown(spec, versions, frames, points, notes)
        .getBytes(StandardCharsets.UTF_8);
    files.write(tmp + "/DATASHEET.md", datasheet);
    entries.add(new FileEntry("DATASHEET.md", WarehouseFiles.sha256(datasheet), null));
    entries.sort((a, b) -> a.path().compareTo(b.path()));

    byte[] bytes = manifest.bytes(spec, entries, notes);
    files.write(tmp + "/manifest.json", bytes);
    return new Release(spec.tag(), location, Map.copyOf(versions), List.copyOf(entries),
        WarehouseFiles.sha256(bytes), false);
  }
}
