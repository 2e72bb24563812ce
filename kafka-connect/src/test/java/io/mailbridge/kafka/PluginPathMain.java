package io.mailbridge.kafka;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * Run by {@link PluginPackagingIT} in a child JVM whose class path has Kafka, GreenMail and the test
 * harness but none of Mailbridge's main classes: the connector can only come from the unpacked
 * plugin zip on {@code plugin.path}, found through {@code META-INF/services}
 * ({@code plugin.discovery=service_load}). References the connector by name only.
 *
 * <p>Arguments: the plugin.path directory. Prints {@code PLUGINS <json>} and {@code SENT <Message-ID>};
 * exits 0 when the plugin was found and sent a mail.
 */
public final class PluginPathMain {
  private static final String CONNECTOR = "io.mailbridge.kafka.SmtpSinkConnector";

  public static void main(String[] args) throws Exception {
    try {
      Class.forName(CONNECTOR);
      System.out.println("FAIL the connector is on the class path: the test would prove nothing");
      System.exit(2);
    } catch (ClassNotFoundException expected) {
      System.out.println("CLASSPATH without " + CONNECTOR);
    }
    int smtpPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      smtpPort = s.getLocalPort();
    }
    GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    EmbeddedConnectCluster connect = ConnectCluster.start("plugin-path-it",
        Map.of("plugin.path", args[0], "plugin.discovery", "service_load"));
    try {
      System.out.println("PLUGINS " + connect.executeGet(connect.endpointForResource("connector-plugins")));
      connect.kafka().createTopic("plugin-mail", 1);
      Map<String, String> props = new HashMap<>(ConnectCluster.sinkProps("plugin-mail", "plugin-mail-dlq"));
      props.put("connector.class", CONNECTOR);
      props.put("smtp.host", "127.0.0.1");
      props.put("smtp.port", String.valueOf(smtpPort));
      props.put("smtp.security", "none");
      props.put("smtp.allow.plaintext", "true");
      props.put("mail.from.default", "plugin@example.test");
      connect.configureConnector("plugin-sink", props);
      connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("plugin-sink", 1, "plugin sink did not start");
      connect.kafka().produce("plugin-mail", null, "{\"to\":\"alice@example.test\",\"subject\":\"kafka-plugin\"}");
      if (!mail.waitForIncomingEmail(60_000, 1)) {
        System.out.println("FAIL no mail within 60 s");
        System.exit(3);
      }
      MimeMessage m = mail.getReceivedMessages()[0];
      System.out.println("SENT " + m.getMessageID() + " " + m.getSubject());
    } finally {
      connect.stop();
      mail.stop();
    }
    System.exit(0);
  }
}
