package org.subnetatlas.jobs.settings;

/** Settings every stage reads: where the warehouse and data are, which space. */
public final class CommonKeys {

  public static final Setting.Text WAREHOUSE = Setting.ofText("warehouse", null,
      "Warehouse root: a local path, file:// or any Hadoop filesystem URI (s3a://...).");
  public static final Setting.Text DATA = Setting.ofText("data", null,
      "Fashion-MNIST IDX directory (default: the bundled data/fashion-mnist).");
  public static final Setting.Text SPACE = Setting.ofText("space", "mbv3-tiny",
      "Search space the stages build (atlas space list).");

  public static final Setting.Text METASTORE = Setting.ofText("metastore", null,
      "Local directory of the embedded catalog (default: ./metastore/<warehouse as a file name>).");

  private CommonKeys() {}
}
