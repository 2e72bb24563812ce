package io.mailbridge.kafka;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Reads the task metrics from the platform MBean server, where the in-JVM Connect worker's tasks register them. */
final class Jmx {
  private Jmx() {}

  /** {@code attribute} of every MBean matching {@code pattern}, by object name. */
  static Map<String, Double> values(String pattern, String attribute) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Map<String, Double> out = new TreeMap<>();
    try {
      for (ObjectName n : server.queryNames(new ObjectName(pattern), null)) {
        try {
          out.put(n.toString(), ((Number) server.getAttribute(n, attribute)).doubleValue());
        } catch (javax.management.AttributeNotFoundException notThisOne) {
          // an MBean of the same task with other meters
        }
      }
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** The single value of {@code attribute} among the MBeans matching {@code pattern}; -1 when there is none. */
  static double value(String pattern, String attribute) {
    Map<String, Double> v = values(pattern, attribute);
    if (v.size() > 1) {
      throw new AssertionError("more than one MBean has " + attribute + ": " + v.keySet());
    }
    return v.isEmpty() ? -1 : v.values().iterator().next();
  }

  /** How many MBeans match {@code pattern}. */
  static int count(String pattern) {
    try {
      return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(pattern), null).size();
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
  }
}
