package io.mailbridge.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The plugin's version, written into a resource by the build. */
final class Versions {
  private Versions() {}

  static final String VERSION = load();

  private static String load() {
    try (InputStream in = Versions.class.getResourceAsStream("/mailbridge-kafka-connect-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
