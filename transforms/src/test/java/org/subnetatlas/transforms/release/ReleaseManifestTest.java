package org.subnetatlas.transforms.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.subnetatlas.schemas.Tables.Releases;
import org.subnetatlas.transforms.ReleaseBuilder.FileEntry;
import org.subnetatlas.transforms.ReleaseBuilder.Spec;

class ReleaseManifestTest {

  private static final List<FileEntry> FILES = List.of(
      new FileEntry("DATASHEET.md", "aa", null), new FileEntry("data/releases.csv", "bb", 3L));

  private static final Map<String, String> WRITERS = ReleaseManifest.writers();

  private static byte[] manifest(LocalDate buildDate) {
    ReleaseManifest m = new ReleaseManifest();
    m.addTable(Releases.TABLE, 4, 3, new StructType().add("tag", DataTypes.StringType, false));
    Spec spec = new Spec("t1", buildDate, "file:/w", "v1", Map.of("b", "2", "a", "1"));
    return m.bytes(spec, FILES, List.of("a note"));
  }

  @Test
  void theManifestHasAFixedLayout() {
    assertEquals("""
        {
          "format_version" : 2,
          "tag" : "t1",
          "build_date" : "2026-11-28",
          "code_version" : "v1",
          "writers" : {
            "delta" : "%s",
            "java" : "%s",
            "parquet" : "%s",
            "spark" : "%s"
          },
          "config" : {
            "a" : "1",
            "b" : "2"
          },
          "tables" : {
            "releases" : {
              "delta_version" : 4,
              "rows" : 3,
              "key" : [ "tag" ],
              "schema" : {
                "type" : "struct",
                "fields" : [ {
                  "name" : "tag",
                  "type" : "string",
                  "nullable" : false,
                  "metadata" : { }
                } ]
              }
            }
          },
          "files" : [ {
            "path" : "DATASHEET.md",
            "sha256" : "aa",
            "rows" : null
          }, {
            "path" : "data/releases.csv",
            "sha256" : "bb",
            "rows" : 3
          } ],
          "notes" : [ "a note" ]
        }
        """.formatted(WRITERS.get("delta"), WRITERS.get("java"), WRITERS.get("parquet"),
            WRITERS.get("spark")),
        new String(manifest(LocalDate.parse("2026-11-28")), StandardCharsets.UTF_8));
    assertArrayEquals(manifest(LocalDate.parse("2026-11-28")),
        manifest(LocalDate.parse("2026-11-28")));
  }

  @Test
  void theWritersAreTheLibrariesOnTheClasspath() {
    assertEquals("3.3.0", WRITERS.get("delta"));
    assertTrue(WRITERS.get("spark").startsWith("3.5."), WRITERS.toString());
    assertTrue(WRITERS.get("parquet").matches("\\d+\\.\\d+\\.\\d+"), WRITERS.toString());
    assertEquals(String.valueOf(Runtime.version().feature()), WRITERS.get("java"));
  }

  @Test
  void readingAManifestGivesBackItsPinnedVersionsAndFiles() {
    ReleaseManifest.Pinned pinned = ReleaseManifest.read(manifest(LocalDate.parse("2026-11-28")));
    assertEquals(LocalDate.parse("2026-11-28"), pinned.buildDate());
    assertEquals(Map.of("releases", 4L), pinned.versions());
    assertEquals(FILES, pinned.files());
    assertEquals("v1", pinned.codeVersion());
    assertEquals(ReleaseManifest.writers(), pinned.writers());
    assertNull(ReleaseManifest.read(manifest(null)).buildDate());
  }
}
