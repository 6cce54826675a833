package org.subnetatlas.udfs.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.subnetatlas.udfs.nets.ParamStore;
import org.subnetatlas.udfs.training.PhaseHistory;

/** The checkpoint layout every family shares, without the engine. */
class CheckpointCodecTest {

  private record Def(String name, Shape shape) implements ParamStore.ArrayDef {
    @Override
    public ParamStore.Kind kind() {
      return ParamStore.Kind.OTHER;
    }
  }

  private static final List<Def> LAYOUT = List.of(new Def("w", new Shape(2, 2)), new Def("b", new Shape(2)));

  private static final CheckpointCodec.Format FORMAT = format("3");

  /** The toy family's format for space version {@code version}. */
  private static CheckpointCodec.Format format(String version) {
    return new CheckpointCodec.Format() {
      @Override
      public String label() {
        return "toy";
      }

      @Override
      public String magic() {
        return "TOY-MAGIC";
      }

      @Override
      public int endMarker() {
        return 0x70E;
      }

      @Override
      public CheckpointCodec.Identity identity() {
        return new CheckpointCodec.Identity("toy-space", version, "geometry(2)");
      }
    };
  }

  private static CheckpointCodec.Contents contents(float bias) {
    Map<String, float[]> data = new LinkedHashMap<>();
    data.put("w", new float[] {1, 2, 3, 4});
    data.put("b", new float[] {bias, -0.5f});
    return new CheckpointCodec.Contents(data, List.of(new PhaseHistory("p", new double[] {2.5, 1.25})),
        640, 1);
  }

  private static byte[] write(CheckpointCodec.Contents c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CheckpointCodec.write(out, FORMAT, c, LAYOUT);
    return out.toByteArray();
  }

  @Test
  void writesHeaderCountersHistoryArraysThenEndMarker() throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(expected);
    o.writeUTF("TOY-MAGIC");
    o.writeInt(1);
    o.writeUTF("toy-space");
    o.writeUTF("3");
    o.writeUTF("geometry(2)");
    o.writeLong(640);
    o.writeLong(1);
    o.writeInt(1);
    o.writeUTF("p");
    o.writeInt(2);
    o.writeDouble(2.5);
    o.writeDouble(1.25);
    o.writeInt(2);
    o.writeUTF("w");
    o.writeInt(2);
    o.writeLong(2);
    o.writeLong(2);
    for (float v : new float[] {1, 2, 3, 4}) {
      o.writeFloat(v);
    }
    o.writeUTF("b");
    o.writeInt(1);
    o.writeLong(2);
    o.writeFloat(7);
    o.writeFloat(-0.5f);
    o.writeInt(0x70E);
    assertArrayEquals(expected.toByteArray(), write(contents(7)));
  }

  @Test
  void readsBackWhatItWrote() throws IOException {
    CheckpointCodec.Contents c = CheckpointCodec.read(new ByteArrayInputStream(write(contents(7))),
        FORMAT, LAYOUT);
    assertEquals(640, c.imagesSeen());
    assertEquals(1, c.skippedSteps());
    assertEquals("p", c.history().get(0).phase());
    assertArrayEquals(new double[] {2.5, 1.25}, c.history().get(0).epochLoss());
    assertEquals(List.of("w", "b"), List.copyOf(c.data().keySet()));
    assertArrayEquals(new float[] {7, -0.5f}, c.data().get("b"));
  }

  private static String refusal(byte[] bytes, List<Def> layout) {
    return assertThrows(IOException.class, () -> CheckpointCodec.read(
        new ByteArrayInputStream(bytes), FORMAT, layout)).getMessage();
  }

  @Test
  void namesWhatIsWrongWithAStream() throws IOException {
    byte[] good = write(contents(7));
    assertEquals("not a Subnet Atlas toy checkpoint (no TOY-MAGIC header)", refusal(new byte[0], LAYOUT));
    byte[] magic = good.clone();
    magic[2] = 'B';
    assertEquals("not a Subnet Atlas toy checkpoint (expected TOY-MAGIC)", refusal(magic, LAYOUT));
    byte[] format = good.clone();
    format[14] = 9;
    assertEquals("toy checkpoint format 9 is not supported (expected 1)", refusal(format, LAYOUT));
    assertEquals("toy checkpoint is truncated", refusal(Arrays.copyOf(good, good.length - 2), LAYOUT));
    byte[] end = good.clone();
    end[end.length - 1] ^= 1;
    assertEquals("toy checkpoint has no end marker after its arrays", refusal(end, LAYOUT));
    assertEquals("toy checkpoint holds 2 arrays, the layout of toy-space has 1",
        refusal(good, LAYOUT.subList(0, 1)));
    assertEquals("toy checkpoint array b (2) does not match the layout's b (3)",
        refusal(good, List.of(LAYOUT.get(0), new Def("b", new Shape(3)))));
  }

  @Test
  void refusesAnotherIdentityAndNonFiniteWeights() throws IOException {
    CheckpointCodec.Format other = format("4");
    IOException e = assertThrows(IOException.class, () -> CheckpointCodec.read(
        new ByteArrayInputStream(write(contents(7))), other, LAYOUT));
    assertEquals("toy checkpoint is for toy-space v3 (geometry(2)), not toy-space v4", e.getMessage());
    CheckpointCodec.Contents nan = CheckpointCodec.read(
        new ByteArrayInputStream(write(contents(Float.NaN))), FORMAT, LAYOUT);
    assertEquals("toy checkpoint array b holds non-finite values", assertThrows(IOException.class,
        () -> CheckpointCodec.requireFinite(nan, FORMAT)).getMessage());
  }
}
