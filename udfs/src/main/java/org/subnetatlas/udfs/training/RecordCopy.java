package org.subnetatlas.udfs.training;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * A copy of a record with some components replaced, through its canonical constructor (so its
 * checks run once, on the final values): what the {@code withX} methods of the training recipes
 * are made of.
 */
final class RecordCopy {

  private RecordCopy() {}

  static <R extends Record> R with(R record, String component, Object value) {
    return with(record, Map.of(component, value));
  }

  @SuppressWarnings("unchecked")
  static <R extends Record> R with(R record, Map<String, ?> changes) {
    RecordComponent[] components = record.getClass().getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] args = new Object[components.length];
    int replaced = 0;
    try {
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        String name = components[i].getName();
        if (changes.containsKey(name)) {
          args[i] = changes.get(name);
          replaced++;
        } else {
          args[i] = components[i].getAccessor().invoke(record);
        }
      }
      if (replaced != changes.size()) {
        throw new IllegalArgumentException(record.getClass().getSimpleName() + " has no component "
            + "among some of " + changes.keySet());
      }
      Constructor<?> canonical = record.getClass().getDeclaredConstructor(types);
      return (R) canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy " + record, e);
    }
  }
}
