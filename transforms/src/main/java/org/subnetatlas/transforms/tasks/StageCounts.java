package org.subnetatlas.transforms.tasks;

/**
 * Where a stage transform reports what it wrote, as each write commits, so a run that fails
 * mid-way still records what it did (the jobs' run recorder implements it).
 */
@FunctionalInterface
public interface StageCounts {

  void count(String what, long n);
}
