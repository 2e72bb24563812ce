package io.mailbridge.mime;

import java.util.Objects;
import java.util.Optional;

/**
 * A body part the parser hands to its {@link MessageParser.PartSink}: where it sits in the message
 * and what the message says it is. The file name is already sanitised (the part's own name, or
 * {@code part-<path>.<ext>} when it has none).
 *
 * @param path the part path, {@code 1}, {@code 2.1}, ...
 * @param inline true for {@code Content-Disposition: inline} and for parts referenced by a Content-ID
 */
public record Part(String path, String fileName, String contentType, String messageId, boolean inline,
    Optional<String> contentId) {
  public Part {
    Objects.requireNonNull(path, "path");
    fileName = FileNames.sanitize(fileName, "part-" + path);
    contentType = Objects.requireNonNullElse(contentType, "application/octet-stream");
    messageId = Objects.requireNonNullElse(messageId, "");
    Objects.requireNonNull(contentId, "contentId");
  }
}
