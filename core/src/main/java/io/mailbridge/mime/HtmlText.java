package io.mailbridge.mime;

/** Crude conversions between the text and HTML bodies, for messages that have only one of them. */
final class HtmlText {
  private HtmlText() {}

  /** Tags removed, block ends as line breaks, the common entities decoded. */
  static String toText(String html) {
    String s = html.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", "")
        .replaceAll("(?i)<br\\s*/?>|</p>|</div>|</tr>|</li>|</h[1-6]>", "\n")
        .replaceAll("(?s)<[^>]*>", "");
    s = s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&amp;", "&");
    return s.replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n").strip();
  }

  /** The text escaped inside {@code <pre>}. */
  static String fromText(String text) {
    return "<pre>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</pre>";
  }
}
