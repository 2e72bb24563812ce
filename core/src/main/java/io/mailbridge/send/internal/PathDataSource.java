package io.mailbridge.send.internal;

import io.mailbridge.send.Attachment;
import jakarta.activation.DataSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;

/**
 * Attachment content opened on demand, every time the message is written: nothing is buffered
 * beyond a 64 KiB read buffer, so a 100 MB file goes out in constant memory.
 */
final class PathDataSource implements DataSource {
  private final Attachment.Source source;
  private final String contentType;
  private final String name;

  PathDataSource(Attachment.Source source, String contentType, String name) {
    this.source = source;
    this.contentType = contentType;
    this.name = name;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    if (source instanceof Attachment.FromFile f) {
      return new BufferedInputStream(Files.newInputStream(f.path()), 64 * 1024);
    }
    if (source instanceof Attachment.FromBytes b) {
      return b.open();
    }
    InputStream in = ((Attachment.FromStream) source).opener().open();
    if (in == null) {
      throw new IOException("the stream opener of attachment '" + name + "' returned null");
    }
    return new BufferedInputStream(in, 64 * 1024);
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    throw new IOException("read only");
  }

  @Override
  public String getContentType() {
    return contentType;
  }

  @Override
  public String getName() {
    return name;
  }
}
