package io.mailbridge.receive.internal;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.MailDocument;
import io.mailbridge.imap.RawMessage;
import io.mailbridge.receive.ReceiveSettings;
import java.util.List;

/**
 * Turns raw bytes into the document Receive makes of them, in process: the same
 * {@link DocumentBuilder} (parser, attachment rule, tracked properties) that Receive, {@code watch}
 * and the Kafka source run on every fetched message, without a server.
 */
public final class CorpusDocuments {
  private final DocumentBuilder builder;

  public CorpusDocuments(BodyFormat format) {
    Endpoint endpoint = Endpoint.imap("localhost").auth(Auth.basic("corpus", Secret.of("unused"))).build();
    builder = new DocumentBuilder(endpoint, ReceiveSettings.builder().folder("corpus").format(format).build(), null,
        false);
  }

  /** The document for one message, as Receive would report it (attachments hashed, not stored). */
  public MailDocument document(long uid, byte[] raw) throws Exception {
    RawMessage m = new RawMessage(uid, List.of(), raw.length, null, raw, 0, raw.length, null, null);
    return builder.build(m, "corpus", 1).document();
  }
}
