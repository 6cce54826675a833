package org.subnetatlas.jobs.settings;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every declared setting, for checks of the profiles, option help and docs against them. */
public final class Settings {

  /** The classes that declare settings, one per stage plus the common ones. */
  static final List<Class<?>> HOLDERS = List.of(CommonKeys.class, SampleKeys.class,
      SupernetKeys.class, StitchKeys.class, EvaluateKeys.class, StandaloneKeys.class,
      MeasureKeys.class, ValidateKeys.class, PredictorKeys.class, SearchKeys.class,
      ReleaseKeys.class);

  private Settings() {}

  /** Every declaration by key; a key declared twice is a programming error. */
  public static Map<String, Setting<?>> all() {
    Map<String, Setting<?>> all = new TreeMap<>();
    for (Class<?> holder : HOLDERS) {
      for (Setting<?> s : declaredIn(holder)) {
        if (all.put(s.key(), s) != null) {
          throw new IllegalStateException("setting " + s.key() + " declared twice");
        }
      }
    }
    return all;
  }

  static List<Setting<?>> declaredIn(Class<?> holder) {
    List<Setting<?>> out = new ArrayList<>();
    for (Field f : holder.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && Setting.class.isAssignableFrom(f.getType())) {
        try {
          f.setAccessible(true);
          out.add((Setting<?>) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }
}
