/** The watch latency benchmark: new mail to JSON line, beside a raw IDLE client; heap per watched mailbox. */
package io.mailbridge.bench.watch;
