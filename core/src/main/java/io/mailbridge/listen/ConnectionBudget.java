package io.mailbridge.listen;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.listen.internal.ServerPermits;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A limit on the IMAP connections open at the same time to one server ({@code host:port}), shared
 * by every {@link Listener} built with it, whatever mailbox each one watches. Each listener still
 * keeps its own per-mailbox maximum ({@link ListenerSettings#maxConnections()}); the budget caps
 * the sum over all mailboxes on the same server.
 *
 * <p>Connections are granted in request order (fair). When more connections are wanted than the
 * budget allows, they take turns, and a turn is one check: a connection that another one is
 * waiting for is handed over right after the check for new mail in hand (an IDLE is ended for it),
 * and its folders are checked again when their turn comes back, at most every
 * {@code pollInterval}. Nothing is missed meanwhile: new mail is found by the saved watermark, not
 * by being connected when it arrived.
 *
 * <pre>{@code
 * ConnectionBudget budget = ConnectionBudget.perServer(4);
 * Listener alice = Listener.of(aliceConnection).settings(s).connectionBudget(budget)...build();
 * Listener bob = Listener.of(bobConnection).settings(s).connectionBudget(budget)...build();
 * }</pre>
 */
public final class ConnectionBudget {
  private final int perServer;
  private final ConcurrentMap<String, ServerPermits> servers = new ConcurrentHashMap<>();

  private ConnectionBudget(int perServer) {
    this.perServer = perServer;
  }

  /**
   * At most {@code maxConnections} (1-1000) connections per server.
   *
   * @throws ConfigException when out of range
   */
  public static ConnectionBudget perServer(int maxConnections) {
    if (maxConnections < 1 || maxConnections > 1000) {
      throw new ConfigException("listener.serverConnections " + maxConnections + " is out of range 1-1000");
    }
    return new ConnectionBudget(maxConnections);
  }

  /** The most connections open at once to one server. */
  public int maxPerServer() {
    return perServer;
  }

  /** Connections open now through this budget to {@code host:port}. */
  public int inUse(String host, int port) {
    ServerPermits p = servers.get(key(host, port));
    return p == null ? 0 : p.inUse();
  }

  /** The most connections that were open at once to {@code host:port} through this budget. */
  public int peak(String host, int port) {
    ServerPermits p = servers.get(key(host, port));
    return p == null ? 0 : p.peak();
  }

  ServerPermits permits(Endpoint endpoint) {
    return servers.computeIfAbsent(key(endpoint.host(), endpoint.port()), k -> ServerPermits.limited(k, perServer));
  }

  private static String key(String host, int port) {
    return host.toLowerCase(Locale.ROOT) + ":" + port;
  }

  @Override
  public String toString() {
    return "ConnectionBudget[perServer=" + perServer + "]";
  }
}
