/**
 * The filter language of Receive and Move ({@link io.mailbridge.search.Filter}), compiled to IMAP
 * SEARCH keys where the server can evaluate them ({@link io.mailbridge.search.SearchCompiler}), and
 * UID sets ({@link io.mailbridge.search.UidSet}).
 */
package io.mailbridge.search;
