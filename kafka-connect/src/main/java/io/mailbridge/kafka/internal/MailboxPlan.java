package io.mailbridge.kafka.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spreads the mailboxes' folders over tasks. Each task holds one IMAP connection at a time, so the
 * number of tasks that read a server bounds its connections, and the number of tasks that read a
 * mailbox bounds that mailbox's connections:
 * <ol>
 *   <li>each mailbox's folders are dealt round-robin into at most {@code maxConnections} groups;</li>
 *   <li>per server, the groups are dealt round-robin into at most {@code perServer} bins (a bin may
 *       hold several mailboxes: its task visits them in turn, one connection at a time);</li>
 *   <li>the bins of all servers are dealt round-robin into at most {@code maxTasks} tasks.</li>
 * </ol>
 * Every folder lands in exactly one task. With one mailbox and no limits this is the plain
 * round-robin of folders over tasks.
 */
public final class MailboxPlan {
  private MailboxPlan() {}

  /** Per task: mailbox name to the folders of it that the task reads (in order). */
  public static List<Map<String, List<String>>> plan(List<SourceMailbox> mailboxes, int maxTasks,
      Optional<Integer> perServer) {
    Map<String, List<Map<String, List<String>>>> groupsByServer = new LinkedHashMap<>();
    for (SourceMailbox m : mailboxes) {
      List<String> folders = m.settings().folders();
      int n = Math.min(folders.size(), m.maxConnections().orElse(folders.size()));
      List<Map<String, List<String>>> groups = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        groups.add(new LinkedHashMap<>(Map.of(m.name(), new ArrayList<>())));
      }
      for (int i = 0; i < folders.size(); i++) {
        groups.get(i % n).get(m.name()).add(folders.get(i));
      }
      groupsByServer.computeIfAbsent(m.server(), k -> new ArrayList<>()).addAll(groups);
    }
    List<Map<String, List<String>>> bins = new ArrayList<>();
    for (List<Map<String, List<String>>> groups : groupsByServer.values()) {
      bins.addAll(deal(groups, perServer.orElse(groups.size())));
    }
    return deal(bins, maxTasks);
  }

  /** Deals the units round-robin into at most {@code n} merged units. */
  private static List<Map<String, List<String>>> deal(List<Map<String, List<String>>> units, int n) {
    int k = Math.max(1, Math.min(n, units.size()));
    List<Map<String, List<String>>> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      out.add(new LinkedHashMap<>());
    }
    for (int i = 0; i < units.size(); i++) {
      Map<String, List<String>> into = out.get(i % k);
      units.get(i).forEach((mailbox, folders) -> into.computeIfAbsent(mailbox, x -> new ArrayList<>())
          .addAll(folders));
    }
    return out;
  }
}
