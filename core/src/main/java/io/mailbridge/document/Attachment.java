package io.mailbridge.document;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One attachment (or inline part) of a received message.
 *
 * @param partPath IMAP part number, e.g. {@code 2} or {@code 1.2}
 * @param fileName the sanitised file name (RFC 2047/2231 decoded, then made safe)
 * @param contentType MIME type, lower case, e.g. {@code application/pdf}
 * @param size decoded size in bytes
 * @param sha256 hex SHA-256 of the decoded bytes
 * @param inline true for parts shown inside the body (Content-Disposition inline, e.g. images)
 * @param contentId the Content-ID without angle brackets, when present
 * @param key the Document Cache key, when the part was stored
 * @param path the stored file, when the part was stored
 * @param withheld why the content was deliberately not stored (a size limit, see
 *     {@code io.mailbridge.receive.SizeLimits}); empty for a normal part. A withheld part has no
 *     key and no path; its {@code sha256} is empty when its bytes were not downloaded at all, and its
 *     {@code size} is then the server's estimate from BODYSTRUCTURE
 */
public record Attachment(String partPath, String fileName, String contentType, long size, String sha256,
    boolean inline, Optional<String> contentId, Optional<String> key, Optional<Path> path, Optional<String> withheld) {
  public Attachment {
    Objects.requireNonNull(partPath, "partPath");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(contentId, "contentId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(withheld, "withheld");
  }

  /** An attachment that was not withheld. */
  public Attachment(String partPath, String fileName, String contentType, long size, String sha256, boolean inline,
      Optional<String> contentId, Optional<String> key, Optional<Path> path) {
    this(partPath, fileName, contentType, size, sha256, inline, contentId, key, path, Optional.empty());
  }

  /** True when the content is in the Document Cache. */
  public boolean stored() {
    return key.isPresent();
  }
}
