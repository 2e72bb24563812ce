package io.mailbridge.connection.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslClientFactory;
import javax.security.sasl.SaslException;

/**
 * SASL OAUTHBEARER (RFC 7628) for Angus Mail, which has only XOAUTH2 built in. Angus's SASL path
 * ({@code mail.imap.sasl.enable}, {@code mail.smtp.sasl.enable}) asks {@code javax.security.sasl}
 * for a client, which finds ours through a JCA {@link Provider} registered once at first use. The
 * user comes from the {@link NameCallback}, the access token from the {@link PasswordCallback}
 * (Angus passes the password given to {@code connect}).
 */
public final class OAuthBearerSasl {
  public static final String MECHANISM = "OAUTHBEARER";
  private static final byte KVSEP = 0x01;

  private OAuthBearerSasl() {}

  /** Registers the provider (idempotent). */
  public static synchronized void register() {
    if (Security.getProvider(ProviderImpl.NAME) == null) {
      Security.addProvider(new ProviderImpl());
    }
  }

  /** RFC 7628 3.1 initial client response: gs2-header, then host, port and auth key/values. */
  static byte[] initialResponse(String user, String host, int port, String token) {
    // gs2-header "n,a=<saslname>," with ',' and '=' escaped as RFC 5801 requires.
    String authzid = user.replace("=", "=3D").replace(",", "=2C");
    StringBuilder sb = new StringBuilder("n,a=").append(authzid).append(',').append((char) KVSEP);
    if (host != null && !host.isEmpty()) {
      sb.append("host=").append(host).append((char) KVSEP);
    }
    if (port > 0) {
      sb.append("port=").append(port).append((char) KVSEP);
    }
    sb.append("auth=Bearer ").append(token).append((char) KVSEP).append((char) KVSEP);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static final class ProviderImpl extends Provider {
    private static final long serialVersionUID = 1L;
    static final String NAME = "MailbridgeOAuthBearer";

    ProviderImpl() {
      super(NAME, "1.0", "Mailbridge SASL OAUTHBEARER (RFC 7628) client");
      putService(new Service(this, "SaslClientFactory", MECHANISM, Factory.class.getName(), null, null) {
        @Override
        public Object newInstance(Object constructorParameter) {
          return new Factory();
        }
      });
    }
  }

  static final class Factory implements SaslClientFactory {
    @Override
    public SaslClient createSaslClient(String[] mechanisms, String authorizationId, String protocol, String serverName,
        Map<String, ?> props, CallbackHandler cbh) {
      for (String m : mechanisms) {
        if (MECHANISM.equalsIgnoreCase(m)) {
          return new Client(serverName, cbh);
        }
      }
      return null;
    }

    @Override
    public String[] getMechanismNames(Map<String, ?> props) {
      return new String[] {MECHANISM};
    }
  }

  static final class Client implements SaslClient {
    private final String host;
    private final CallbackHandler cbh;
    private boolean sentInitial;
    private boolean complete;

    Client(String host, CallbackHandler cbh) {
      this.host = host;
      this.cbh = cbh;
    }

    @Override
    public String getMechanismName() {
      return MECHANISM;
    }

    @Override
    public boolean hasInitialResponse() {
      return true;
    }

    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws SaslException {
      if (!sentInitial) {
        sentInitial = true;
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("token", false);
        try {
          cbh.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
          throw new SaslException("OAUTHBEARER: no user/token from the callback handler", e);
        }
        char[] token = password.getPassword();
        password.clearPassword();
        if (name.getName() == null || token == null) {
          throw new SaslException("OAUTHBEARER: user or token missing");
        }
        return initialResponse(name.getName(), host, 0, new String(token));
      }
      // RFC 7628 3.2.2: after an error challenge (JSON status) the client sends a lone %x01
      // and the server then fails the exchange. The challenge is not shown: it is base64 JSON only.
      complete = true;
      return new byte[] {KVSEP};
    }

    @Override
    public boolean isComplete() {
      return complete || sentInitial;
    }

    @Override
    public byte[] unwrap(byte[] incoming, int offset, int len) {
      throw new IllegalStateException("OAUTHBEARER has no security layer");
    }

    @Override
    public byte[] wrap(byte[] outgoing, int offset, int len) {
      throw new IllegalStateException("OAUTHBEARER has no security layer");
    }

    @Override
    public Object getNegotiatedProperty(String propName) {
      return null;
    }

    @Override
    public void dispose() {}
  }
}
