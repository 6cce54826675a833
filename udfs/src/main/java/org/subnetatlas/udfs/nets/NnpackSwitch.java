package org.subnetatlas.udfs.nets;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns libtorch's NNPACK convolution backend off for this process, the way
 * {@code torch.backends.nnpack.set_flags(False)} does in Python ({@code at::globalContext()
 * .setUserEnabledNNPACK(false)}), which DJL does not expose.
 *
 * <p>Why: libtorch asks for NNPACK on every convolution that oneDNN does not take (1×1, stride 1,
 * batch below 16, one intra-op thread: the batch-1 latency protocol's pointwise convolutions). On a
 * CPU NNPACK does not support, that probe is not cached when it fails: each such convolution calls
 * {@code nnp_initialize} again and writes "Could not initialize NNPACK! Reason: Unsupported
 * hardware." to stderr, from inside the timed forward. Where NNPACK does initialise, libtorch only
 * picks it at batch 16 or more, where oneDNN has already been chosen, so turning it off changes no
 * kernel that would run; it removes the probe and the write. System property
 * {@value #PROPERTY}: {@code off} (default) or {@code on} (leave libtorch as it is).
 */
public final class NnpackSwitch {

  public static final String PROPERTY = "atlas.torch.nnpack";
  private static final Logger LOG = LoggerFactory.getLogger(NnpackSwitch.class);
  private static final String LIBRARY = "libtorch_cpu.so";
  private static final int RTLD_LAZY = 0x1;
  private static final int RTLD_NOLOAD = 0x4;
  private static volatile String state;

  private NnpackSwitch() {}

  /**
   * Applies {@value #PROPERTY} once per JVM, after the engine has loaded libtorch; returns what
   * holds now: "off", "on" (left enabled by the property) or "unchanged: reason".
   */
  public static String apply() {
    String now = state;
    if (now != null) {
      return now;
    }
    synchronized (NnpackSwitch.class) {
      if (state == null) {
        state = applyOnce(System.getProperty(PROPERTY, "off"));
        LOG.info("libtorch NNPACK: {}", state);
      }
      return state;
    }
  }

  static String applyOnce(String setting) {
    switch (setting) {
      case "on":
        return "on";
      case "off":
        break;
      default:
        throw new IllegalArgumentException(
            "-D" + PROPERTY + "=" + setting + " is not one of off, on");
    }
    Optional<Path> lib = loadedLibrary(LIBRARY);
    if (lib.isEmpty()) {
      return "unchanged: " + LIBRARY + " is not mapped in this process";
    }
    try {
      // the copy DJL loaded, never a second one: RTLD_LAZY | RTLD_NOLOAD
      NativeLibrary torch = NativeLibrary.getInstance(lib.get().toString(),
          Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_NOLOAD));
      Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
      torch.getFunction("_ZN2at7Context20setUserEnabledNNPACKEb")
          .invokeVoid(new Object[] {context, Boolean.FALSE});
      Function enabled = torch.getFunction("_ZNK2at7Context17userEnabledNNPACKEv");
      boolean stillOn = (enabled.invokeInt(new Object[] {context}) & 0xff) != 0;
      return stillOn ? "unchanged: setUserEnabledNNPACK(false) did not hold" : "off";
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return "unchanged: " + e.getMessage();
    }
  }

  /** The path of a shared library this process has mapped, from /proc/self/maps (Linux). */
  static Optional<Path> loadedLibrary(String fileName) {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return Optional.empty();
    }
    try (Stream<String> lines = Files.lines(maps)) {
      return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.endsWith("/" + fileName))
          .map(Path::of)
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
