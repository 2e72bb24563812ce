package io.mailbridge.imap;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.eclipse.angus.mail.iap.Protocol;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.eclipse.angus.mail.util.MailLogger;
import org.eclipse.angus.mail.util.TraceInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input side of an Angus {@link Protocol} connection, for reading a bulk FETCH answer without
 * Angus's per-response objects. Angus keeps these members non-public, so they are reached by
 * reflection; when that is not possible (a changed Angus version, Angus on the module path) {@link
 * #of} returns null and the caller uses Angus's own command path.
 *
 * <p>Reading goes through Angus's buffered stream, so bytes Angus had already buffered are read
 * first and nothing is read twice. While we read, Angus's byte trace is off and the response lines
 * (without literal bodies) go to Angus's protocol trace logger instead.
 */
final class AngusWire {
  private static final Logger LOG = LoggerFactory.getLogger(AngusWire.class);
  private static final Method GET_INPUT;
  private static final Field BUFFERED;
  private static final Field TRACE_INPUT;
  private static final Field TRACING;
  private static final Field TRACE_LOGGER;
  /** When the connection last answered a command; Angus sends a NOOP first when it is older than 1 s. */
  private static final Field TIMESTAMP;

  static {
    Method getInput = null;
    Field buffered = null;
    Field traceInput = null;
    Field tracing = null;
    Field traceLogger = null;
    try {
      getInput = Protocol.class.getDeclaredMethod("getInputStream");
      buffered = ResponseInputStream.class.getDeclaredField("bin");
      traceInput = Protocol.class.getDeclaredField("traceInput");
      tracing = TraceInputStream.class.getDeclaredField("trace");
      traceLogger = Protocol.class.getDeclaredField("traceLogger");
      getInput.setAccessible(true);
      buffered.setAccessible(true);
      traceInput.setAccessible(true);
      tracing.setAccessible(true);
      traceLogger.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Angus connection streams not reachable, bulk FETCH goes through Angus: {}", e.toString());
      getInput = null;
    }
    Field timestamp = null;
    try {
      timestamp = Protocol.class.getDeclaredField("timestamp");
      timestamp.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      timestamp = null; // only saves Angus a NOOP
    }
    TIMESTAMP = timestamp;
    GET_INPUT = getInput;
    BUFFERED = buffered;
    TRACE_INPUT = traceInput;
    TRACING = tracing;
    TRACE_LOGGER = traceLogger;
  }

  private final Protocol protocol;
  private final InputStream input;
  private final TraceInputStream traceInput;
  private final boolean tracing;
  private final MailLogger traceLogger;

  private AngusWire(Protocol protocol, InputStream input, TraceInputStream traceInput, boolean tracing,
      MailLogger traceLogger) {
    this.protocol = protocol;
    this.input = input;
    this.traceInput = traceInput;
    this.tracing = tracing;
    this.traceLogger = traceLogger;
  }

  /** Whether Angus's members could be reached at all (otherwise {@link #of} is always null). */
  static boolean available() {
    return GET_INPUT != null;
  }

  /** The connection's input of {@code p}, or null when it cannot be reached. */
  static AngusWire of(Protocol p) {
    if (GET_INPUT == null) {
      return null;
    }
    try {
      Object responses = GET_INPUT.invoke(p);
      if (!(responses instanceof ResponseInputStream) || !(BUFFERED.get(responses) instanceof InputStream in)) {
        return null;
      }
      Object trace = TRACE_INPUT.get(p);
      TraceInputStream traceInput = trace instanceof TraceInputStream t ? t : null;
      boolean tracing = traceInput != null && TRACING.getBoolean(traceInput);
      MailLogger logger = TRACE_LOGGER.get(p) instanceof MailLogger l ? l : null;
      return new AngusWire(p, in, traceInput, tracing, logger);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Angus connection streams not reachable: {}", e.toString());
      return null;
    }
  }

  /** Records that the server just answered, as {@code Protocol.command} does. */
  void answered() {
    if (TIMESTAMP != null) {
      try {
        TIMESTAMP.setLong(protocol, System.currentTimeMillis());
      } catch (IllegalAccessException | RuntimeException e) {
        LOG.debug("cannot record the answer time: {}", e.toString());
      }
    }
  }

  /** Angus's buffered input of the connection. */
  InputStream input() {
    return input;
  }

  /** Where response lines go while Angus's byte trace is off; null when nobody traces. */
  Consumer<String> trace() {
    if (!tracing || traceLogger == null) {
      return null;
    }
    return line -> traceLogger.log(Level.FINEST, line);
  }

  /** Stops Angus from tracing the bytes we read (literal bodies stay out of the trace). */
  void pauseByteTrace() {
    if (tracing) {
      traceInput.setTrace(false);
    }
  }

  void resumeByteTrace() {
    if (tracing) {
      traceInput.setTrace(true);
    }
  }
}
