package org.subnetatlas.schemas;

import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;

/**
 * Builds a {@link Row} of a declared schema by column name, so code that makes rows does not
 * depend on the order of the declaration. Columns not set stay null; an unknown column name, or
 * a non-nullable column left unset, fails at {@link #build()}.
 *
 * <pre>RowBuilder.of(SCHEMA).set(Measurements.ARCH_ID, id).set(Measurements.TOP1, top1).build()</pre>
 */
public final class RowBuilder {

  private final StructType schema;
  private final Object[] values;
  private final boolean[] isSet;

  private RowBuilder(StructType schema) {
    this.schema = schema;
    this.values = new Object[schema.size()];
    this.isSet = new boolean[schema.size()];
  }

  public static RowBuilder of(StructType schema) {
    return new RowBuilder(schema);
  }

  /** Sets {@code column}; throws {@link IllegalArgumentException} when the schema lacks it. */
  public RowBuilder set(String column, Object value) {
    int i;
    try {
      i = schema.fieldIndex(column);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("column " + column + " is not in the schema "
          + Arrays.toString(schema.fieldNames()), e);
    }
    values[i] = value;
    isSet[i] = true;
    return this;
  }

  /** The row, with the schema attached so {@code row.getAs(name)} works on it. */
  public Row build() {
    for (int i = 0; i < values.length; i++) {
      if (!isSet[i] && !schema.fields()[i].nullable()) {
        throw new IllegalStateException("non-nullable column " + schema.fields()[i].name()
            + " not set");
      }
    }
    return new GenericRowWithSchema(values.clone(), schema);
  }
}
