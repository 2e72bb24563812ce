package io.mailbridge.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic Message-IDs for sink records: {@code <topic.partition.offset.hash@domain>}. The same
 * record (same connector, topic, partition and offset) always gets the same id, so a copy sent again
 * after a redelivery is recognisable (and mail systems that dedupe by Message-ID drop it).
 *
 * <p>The topic is written with every character outside {@code [A-Za-z0-9_-]} replaced by {@code _}
 * (RFC 5322 3.6.4 id-left is a dot-atom: no '..' or trailing '.'); the hash, over the exact connector
 * name, topic, partition and offset, keeps ids distinct where that mapping is not one to one and
 * between two connectors reading the same topic.
 */
public final class MessageIds {
  private MessageIds() {}

  public static String of(String connector, String topic, int partition, long offset, String domain) {
    StringBuilder left = new StringBuilder(topic.length() + 40);
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
          || c == '-';
      left.append(safe ? c : '_');
    }
    left.append('.').append(partition).append('.').append(offset).append('.')
        .append(hash(connector + '\0' + topic + '\0' + partition + '\0' + offset));
    return "<" + left + "@" + domain + ">";
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
