package org.subnetatlas.udfs.nets;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process-wide DJL/PyTorch runtime. DJL's gradient collector is one flag per JVM, so trainings
 * take {@link #trainingLock()}; inference may run in parallel threads, each calling
 * {@link #inferenceThread(int)} first.
 */
public final class DjlRuntime {

  public static final String ENGINE = "PyTorch";
  private static final ReentrantLock TRAINING_LOCK = new ReentrantLock();
  /** System property with the device preference: auto (GPU when DJL finds one), cpu or gpu. */
  public static final String DEVICE_PROPERTY = "atlas.device";
  private static volatile String devicePreference = System.getProperty(DEVICE_PROPERTY, "auto");

  private DjlRuntime() {}

  /** The JVM-wide lock every training holds while it runs. */
  public static ReentrantLock trainingLock() {
    return TRAINING_LOCK;
  }

  /** The PyTorch engine, with {@link NnpackSwitch} applied once libtorch is loaded. */
  public static Engine engine() {
    Engine engine = Engine.getEngine(ENGINE);
    NnpackSwitch.apply();
    return engine;
  }

  /**
   * Sets PyTorch's intra-op thread count. OpenMP keeps this per thread, so call it in every thread
   * that runs DJL work.
   */
  public static void setIntraOpThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("intra-op threads must be >= 1, got " + threads);
    }
    engine();
    JniUtils.setNumThreads(threads);
  }

  /** Prepares the calling thread for inference: grad mode off (it is on in new threads). */
  public static void inferenceThread(int intraOpThreads) {
    setIntraOpThreads(intraOpThreads);
    JniUtils.setGradMode(false);
  }

  /**
   * Where networks and their inputs live: {@code Device.gpu()} when the preference is auto or gpu
   * and DJL finds a CUDA device, otherwise the CPU. A gpu preference without a GPU is an error.
   */
  public static Device device() {
    String pref = devicePreference;
    int gpus = engine().getGpuCount();
    switch (pref) {
      case "cpu":
        return Device.cpu();
      case "gpu":
        if (gpus == 0) {
          throw new IllegalStateException("device gpu requested but DJL finds no CUDA device");
        }
        return Device.gpu();
      case "auto":
        return gpus > 0 ? Device.gpu() : Device.cpu();
      default:
        throw new IllegalArgumentException("device " + pref + " is not one of auto, cpu, gpu");
    }
  }

  /** Sets the device preference of this JVM (auto, cpu or gpu) before networks are loaded. */
  public static void preferDevice(String preference) {
    if (!java.util.Set.of("auto", "cpu", "gpu").contains(preference)) {
      throw new IllegalArgumentException("device " + preference + " is not one of auto, cpu, gpu");
    }
    devicePreference = preference;
  }

  /** Engine, native and device description for the devices table and logs. */
  public static String describe() {
    Engine engine = engine();
    Device device = engine.defaultDevice();
    return "DJL " + Engine.getDjlVersion() + ", engine " + engine.getEngineName() + " "
        + engine.getVersion() + ", device " + device + ", intra-op threads "
        + JniUtils.getNumThreads() + ", NNPACK " + NnpackSwitch.apply();
  }
}
