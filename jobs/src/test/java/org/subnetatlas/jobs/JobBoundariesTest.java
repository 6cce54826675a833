package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries that the compiler does not enforce, checked on the compiled classes: a job
 * is a thin shell around one stage, so no job refers to another (shared logic lives in
 * transforms), and udfs classes sit in their domain packages.
 */
class JobBoundariesTest {

  /** The domains of the udfs module; the root package holds no class. */
  static final Set<String> UDF_DOMAINS = Set.of("data", "nets", "training", "evaluation",
      "measurement", "prediction", "spark");

  private static JavaClasses mainClasses(String pkg) {
    return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(pkg);
  }

  /** A job: a concrete top-level class named {@code *Job}, or one that is or holds a stage. */
  static boolean isJob(JavaClass top) {
    if (top.isInterface() || top.getModifiers().contains(JavaModifier.ABSTRACT)) {
      return false;
    }
    return top.getSimpleName().endsWith("Job") || top.getSimpleName().endsWith("Stage")
        || top.isAssignableTo(StageCommand.class)
        || top.isAssignableTo(Stage.class)
        || nested(top).stream().anyMatch(c -> c.isAssignableTo(Stage.class));
  }

  private static Set<JavaClass> nested(JavaClass top) {
    Set<JavaClass> out = new HashSet<>();
    for (JavaClass c : top.getPackage().getClasses()) {
      if (topLevel(c).equals(top) && !c.equals(top)) {
        out.add(c);
      }
    }
    return out;
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass t = c;
    while (t.getEnclosingClass().isPresent()) {
      t = t.getEnclosingClass().get();
    }
    return t;
  }

  /** Every reference from one job (or a class nested in it) to another job, as text. */
  static List<String> crossJobReferences(JavaClasses classes) {
    Set<String> out = new TreeSet<>();
    for (JavaClass c : classes) {
      JavaClass from = topLevel(c);
      if (!isJob(from)) {
        continue;
      }
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass to = topLevel(d.getTargetClass());
        if (!to.equals(from) && classes.contain(to.getName()) && isJob(to)) {
          out.add(from.getSimpleName() + " -> " + to.getSimpleName() + ": " + d.getDescription());
        }
      }
    }
    return List.copyOf(out);
  }

  @Test
  void noJobRefersToAnotherJob() {
    JavaClasses jobs = mainClasses("org.subnetatlas.jobs");
    assertTrue(jobs.contain(EvaluateJob.class), "the job classes were imported");
    assertEquals(List.of(), crossJobReferences(jobs));
  }

  @Test
  void theCheckFindsAReferenceBetweenTwoJobs() {
    JavaClasses fixtures = new ClassFileImporter().importPackages(
        "org.subnetatlas.jobs.fixtures");
    List<String> found = crossJobReferences(fixtures);
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("CallingJob -> CalledJob: "), found.toString());
  }

  @Test
  void udfsClassesSitInTheirDomainPackages() {
    JavaClasses udfs = mainClasses("org.subnetatlas.udfs");
    assertTrue(udfs.size() > 50, "the udfs classes were imported: " + udfs.size());
    Set<String> outside = udfs.stream()
        .filter(c -> !UDF_DOMAINS.contains(c.getPackageName().replaceFirst(
            "^org\\.subnetatlas\\.udfs\\.?", "").split("\\.")[0]))
        .map(JavaClass::getName).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), outside);
  }
}
