package org.subnetatlas.udfs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class SupernetConfigTest {

  @Test
  void travelsToExecutorsInsideSparkClosures() throws IOException, ClassNotFoundException {
    // train-standalone ships the recipe to its tasks with Java serialization
    SupernetConfig config = SupernetConfig.defaults();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(config);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(config, in.readObject());
    }
  }
}
