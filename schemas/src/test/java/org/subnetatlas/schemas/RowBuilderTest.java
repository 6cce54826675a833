package org.subnetatlas.schemas;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RowBuilderTest {

  private static final StructType SCHEMA = new StructType()
      .add("arch_id", StringType, false)
      .add("top1", DoubleType, true)
      .add("loss", DoubleType, true);

  @Test
  void placesValuesByNameWhateverTheOrderTheyAreSetIn() {
    Row row = RowBuilder.of(SCHEMA).set("loss", 0.5).set("arch_id", "a1").build();
    assertEquals("a1", row.getString(0));
    assertNull(row.get(1));
    assertEquals(0.5, row.getDouble(2));
    assertEquals(0.5, (double) row.getAs("loss"));
  }

  @Test
  void refusesUnknownColumnsAndUnsetRequiredOnes() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> RowBuilder.of(SCHEMA).set("top_1", 0.9));
    assertEquals(true, unknown.getMessage().contains("top_1"));
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> RowBuilder.of(SCHEMA).set("top1", 0.9).build());
    assertEquals(true, missing.getMessage().contains("arch_id"));
  }
}
