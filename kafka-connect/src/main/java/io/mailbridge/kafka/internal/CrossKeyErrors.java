package io.mailbridge.kafka.internal;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Connector {@code validate()} support: after the per-key checks passed, runs the checks that span
 * keys and puts their error on the key the message starts with (else on {@code fallbackKey}), so
 * the worker's REST validation shows it next to the setting to fix.
 */
public final class CrossKeyErrors {
  private CrossKeyErrors() {}

  public static Config attach(Config config, Runnable crossKeyChecks, String fallbackKey) {
    if (config.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
      return config;
    }
    try {
      crossKeyChecks.run();
    } catch (ConfigException e) {
      String message = e.getMessage();
      ConfigValue target = config.configValues().stream()
          .filter(v -> message.startsWith(v.name() + " ") || message.startsWith(v.name() + "="))
          .findFirst()
          .orElseGet(() -> config.configValues().stream().filter(v -> v.name().equals(fallbackKey))
              .findFirst().orElseThrow());
      target.addErrorMessage(message);
    }
    return config;
  }
}
