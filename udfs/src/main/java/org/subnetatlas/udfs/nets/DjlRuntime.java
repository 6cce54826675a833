package org.subnetatlas.udfs.nets;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process-wide DJL/PyTorch runtime. DJL's gradient collector is one flag per JVM, so trainings
 * take {@link #trainingLock()}; inference may run in parallel threads, each calling
 * {@link #inferenceThread(int)} first.
 */
public final class DjlRuntime {

  public static final String ENGINE = "PyTorch";
  private static final ReentrantLock TRAINING_LOCK = new ReentrantLock();
  /** The setting that chooses the device; its values are {@link #DEVICE_CHOICES}. */
  public static final String DEVICE_SETTING = "spark.atlas.device";
  /** auto (GPU when DJL finds one), cpu or gpu. */
  public static final List<String> DEVICE_CHOICES = List.of("auto", "cpu", "gpu");
  // set by preferDevice from the stage's settings before any network of a task is loaded
  private static volatile String devicePreference = "auto";

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
   * Where networks and their inputs live, by the preference {@link #preferDevice} set last:
   * {@code Device.gpu()} for gpu, and for auto when DJL finds a CUDA device; otherwise the CPU.
   */
  public static Device device() {
    return resolve(devicePreference);
  }

  /**
   * The one call every task makes before it loads a network: sets this JVM's device preference
   * from the stage's settings and returns the device it resolves to. A gpu preference on a host
   * where DJL finds no CUDA device fails here, naming the setting and the host, before any work.
   */
  public static Device preferDevice(String preference) {
    checkPreference(preference);
    Device device = resolve(preference);
    devicePreference = preference;
    return device;
  }

  /** Refuses a preference that is not one of {@link #DEVICE_CHOICES}; loads no engine. */
  public static String checkPreference(String preference) {
    if (!DEVICE_CHOICES.contains(preference)) {
      throw new IllegalArgumentException(DEVICE_SETTING + "=" + preference
          + ": not one of auto, cpu, gpu");
    }
    return preference;
  }

  private static Device resolve(String preference) {
    checkPreference(preference);
    // through engine(), also for cpu: it applies the NNPACK switch before any network is built
    boolean gpu = engine().getGpuCount() > 0;
    if ("cpu".equals(preference)) {
      return Device.cpu();
    }
    if ("gpu".equals(preference) && !gpu) {
      throw new DeviceUnavailableException(DEVICE_SETTING
          + "=gpu but DJL finds no CUDA device on executor " + host());
    }
    return gpu ? Device.gpu() : Device.cpu();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "(unknown host: " + e.getMessage() + ")";
    }
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
