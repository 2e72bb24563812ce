/**
 * The MIME layer: a streaming parser of raw messages (mime4j) that reads the tracked header fields,
 * the body text and every attachment as a stream handed to a sink ({@link
 * io.mailbridge.mime.MessageParser}, {@link io.mailbridge.mime.Part}); encoded words and addresses,
 * base64 decoding, and file names made safe for every file system ({@link
 * io.mailbridge.mime.FileNames}).
 */
package io.mailbridge.mime;
