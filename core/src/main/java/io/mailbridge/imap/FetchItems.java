package io.mailbridge.imap;

import java.io.IOException;
import java.io.OutputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;

/** What {@link Fetcher} reads out of a FETCH answer: flags, INTERNALDATE, a large body's sink. */
final class FetchItems {
  private FetchItems() {}

  static List<String> flags(FetchResponse fr) {
    FLAGS f = fr.getItem(FLAGS.class);
    return f == null ? List.of() : SelectedFolder.flagNames(f);
  }

  static OffsetDateTime date(FetchResponse fr) {
    INTERNALDATE d = fr.getItem(INTERNALDATE.class);
    return d == null || d.getDate() == null ? null : d.getDate().toInstant().atOffset(ZoneOffset.UTC);
  }

  /**
   * A large body's way to the file, until that fails or the receive is cancelled; then the rest of
   * the literal is read and dropped, so the connection stays usable.
   */
  static final class BodySink implements FetchReader.Bodies {
    private final OutputStream target;
    private final java.util.function.IntConsumer written;
    private final BooleanSupplier cancelled;
    private IOException failure;

    BodySink(OutputStream target, java.util.function.IntConsumer written, BooleanSupplier cancelled) {
      this.target = target;
      this.written = written;
      this.cancelled = cancelled;
    }

    @Override
    public OutputStream open(FetchReader.Fetch sofar, long length) {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          if (failure != null || cancelled.getAsBoolean()) {
            return;
          }
          try {
            target.write(b, off, len); // unbuffered: in the file once written
          } catch (IOException e) {
            failure = e;
          }
        }
      };
    }

    /** The write that failed, if one did: thrown once the command completed. */
    IOException failure() {
      return failure;
    }

    @Override
    public void wrote(int bytes) {
      if (failure == null) {
        written.accept(bytes);
      }
    }
  }
}
