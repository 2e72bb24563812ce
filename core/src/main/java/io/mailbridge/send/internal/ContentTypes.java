package io.mailbridge.send.internal;

import java.net.URLConnection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Content-Type guessed from a file name, and a file extension for a content type. */
public final class ContentTypes {
  /** Content-Type when nothing better is known. */
  public static final String DEFAULT = "application/octet-stream";

  // A fixed table first, so the common cases do not depend on the JDK's content-types.properties.
  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
      Map.entry("gz", "application/gzip"), Map.entry("json", "application/json"),
      Map.entry("xml", "application/xml"), Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"),
      Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("ics", "text/calendar"),
      Map.entry("md", "text/markdown"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
      Map.entry("svg", "image/svg+xml"), Map.entry("eml", "message/rfc822"),
      Map.entry("doc", "application/msword"), Map.entry("xls", "application/vnd.ms-excel"),
      Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
      Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
      Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
      Map.entry("mp3", "audio/mpeg"), Map.entry("mp4", "video/mp4"), Map.entry("bin", DEFAULT));

  private static final Map<String, String> EXTENSION_BY_TYPE = Map.ofEntries(
      Map.entry("application/pdf", "pdf"), Map.entry("application/zip", "zip"),
      Map.entry("application/gzip", "gz"), Map.entry("application/json", "json"),
      Map.entry("application/xml", "xml"), Map.entry("text/xml", "xml"), Map.entry("text/plain", "txt"),
      Map.entry("text/csv", "csv"), Map.entry("text/html", "html"), Map.entry("text/calendar", "ics"),
      Map.entry("text/markdown", "md"), Map.entry("image/png", "png"), Map.entry("image/jpeg", "jpg"),
      Map.entry("image/gif", "gif"), Map.entry("image/webp", "webp"), Map.entry("image/svg+xml", "svg"),
      Map.entry("message/rfc822", "eml"), Map.entry("application/msword", "doc"),
      Map.entry("application/vnd.ms-excel", "xls"),
      Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
      Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
      Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
      Map.entry("audio/mpeg", "mp3"), Map.entry("video/mp4", "mp4"), Map.entry(DEFAULT, "bin"),
      Map.entry("application/binary", "bin"));

  private ContentTypes() {}

  /** The type for a file name, or {@link #DEFAULT}. */
  public static String guess(Optional<String> fileName) {
    return guess(fileName, DEFAULT);
  }

  /** The type for a file name, or {@code fallback} when the name says nothing. */
  public static String guess(Optional<String> fileName, String fallback) {
    if (fileName.isEmpty()) {
      return fallback;
    }
    String name = fileName.get();
    int dot = name.lastIndexOf('.');
    if (dot >= 0 && dot < name.length() - 1) {
      String known = BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
      if (known != null) {
        return known;
      }
    }
    String jdk = URLConnection.guessContentTypeFromName(name);
    return jdk != null ? jdk : fallback;
  }

  /** {@code .pdf} for {@code application/pdf; name=x}, empty string when unknown. */
  public static String extension(String contentType) {
    int semi = contentType.indexOf(';');
    String base = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    String ext = EXTENSION_BY_TYPE.get(base);
    return ext == null ? "" : "." + ext;
  }
}
