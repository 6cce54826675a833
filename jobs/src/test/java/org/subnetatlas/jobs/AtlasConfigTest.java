package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.junit.jupiter.api.Test;

class AtlasConfigTest {

  @Test
  void theLocalProfileLoadsAndOptionsWin() {
    AtlasConfig c = AtlasConfig.load("local", Map.of(CommonKeys.SPACE.key(), "ofa-mbv3"));
    assertEquals("ofa-mbv3", c.require(CommonKeys.SPACE.key()));
    assertEquals("local[*]", c.get("spark.master", null));
    assertTrue(c.warehouse().startsWith("file:/"), c.warehouse());
    assertTrue(c.warehouse().endsWith("/warehouse"), c.warehouse());
  }

  @Test
  void anUnknownProfileIsBadInputNamingIt() {
    BadInputException e = assertThrows(BadInputException.class,
        () -> AtlasConfig.load("prod-eu", Map.of()));
    assertTrue(e.getMessage().startsWith("--profile prod-eu: unknown profile"), e.getMessage());
    assertThrows(BadInputException.class, () -> AtlasConfig.load("../etc/passwd", Map.of()));
  }

  @Test
  void badValuesNameTheKeyAndTheRange() {
    AtlasConfig c = AtlasConfig.load("local", Map.of("spark.atlas.sample.count", "many",
        "spark.atlas.x", "0", "spark.atlas.flag", "perhaps"));
    assertEquals("spark.atlas.sample.count=many: not an integer",
        assertThrows(BadInputException.class,
            () -> c.getInt("spark.atlas.sample.count", 1, 1, 10)).getMessage());
    assertEquals("spark.atlas.x=0: must be between 1 and 10",
        assertThrows(BadInputException.class, () -> c.getInt("spark.atlas.x", 1, 1, 10)).getMessage());
    assertEquals("spark.atlas.flag=perhaps: not a boolean (true|false)",
        assertThrows(BadInputException.class, () -> c.getBoolean("spark.atlas.flag", true)).getMessage());
  }

  @Test
  void uriLocationsAreKeptAndPathsMadeAbsolute() {
    assertEquals("s3a://bucket/warehouse", AtlasConfig.toUri("s3a://bucket/warehouse/"));
    assertTrue(AtlasConfig.toUri("rel/dir").startsWith("file:/"));
  }

  @Test
  void theHashCoversAtlasSettingsOnly() {
    AtlasConfig a = AtlasConfig.load("local", Map.of("spark.atlas.sample.seed", "1"));
    AtlasConfig b = AtlasConfig.load("local", Map.of("spark.atlas.sample.seed", "2"));
    AtlasConfig c = AtlasConfig.load("local", Map.of("spark.atlas.sample.seed", "1",
        "spark.sql.shuffle.partitions", "3"));
    assertNotEquals(a.hash(), b.hash());
    assertEquals(a.hash(), c.hash());
  }
}
