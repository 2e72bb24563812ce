#!/usr/bin/env python3
"""Records the server side of UID FETCH exchanges from a real Dovecot (the local mail stack) as
the test resources next to this file, for FetchReaderTest. Usage, with the stack running:
  python3 capture.py /tmp/ms-NAME/stack.json
Each .bin file holds the bytes the server sent for one command, from after the command line up to
and including its tagged reply; <name>.tag holds the tag."""
import json, os, socket, ssl, sys, time

here = os.path.dirname(os.path.abspath(__file__))
stack = json.load(open(sys.argv[1]))
user, password = stack["users"][0]["user"], stack["users"][0]["password"]
FOLDER = "fetch-capture"


class Conn:
    def __init__(self, prefix):
        ctx = ssl.create_default_context(cafile=stack["caFile"])
        raw = socket.create_connection((stack["host"], stack["imapsPort"]))
        self.s = ctx.wrap_socket(raw, server_hostname="localhost")
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.prefix, self.n, self.buf = prefix, 0, b""
        self.read_until_line(b"* OK")

    def read_more(self):
        d = self.s.recv(1 << 20)
        if not d:
            raise EOFError
        self.buf += d

    def read_until_line(self, start):
        while True:
            i = self.buf.find(b"\r\n")
            if i < 0:
                self.read_more()
                continue
            line, self.buf = self.buf[:i + 2], self.buf[i + 2:]
            if line.startswith(start):
                return line

    def command(self, text, literal=None):
        """Sends a command; returns (tag, every byte the server sent up to the tagged reply)."""
        self.n += 1
        tag = "%s%d" % (self.prefix, self.n)
        if literal is None:
            self.s.sendall(("%s %s\r\n" % (tag, text)).encode())
        else:
            self.s.sendall(("%s %s {%d+}\r\n" % (tag, text, len(literal))).encode() + literal + b"\r\n")
        out = b""
        end = (tag + " ").encode()
        while True:
            # walk whole responses (literals included) until the tagged one
            i = self.buf.find(b"\r\n")
            if i < 0:
                self.read_more()
                continue
            line = self.buf[:i + 2]
            if line.endswith(b"}\r\n") and b"{" in line:
                n = int(line[line.rindex(b"{") + 1:-3].rstrip(b"+"))
                while len(self.buf) < i + 2 + n:
                    self.read_more()
                out += self.buf[:i + 2 + n]
                self.buf = self.buf[i + 2 + n:]
                continue
            out += line
            self.buf = self.buf[i + 2:]
            if line.startswith(end):
                return tag, out


def save(name, tag, data):
    open(os.path.join(here, name + ".bin"), "wb").write(data)
    open(os.path.join(here, name + ".tag"), "w").write(tag + "\n")
    print(name, tag, len(data), "bytes")


def message(i, body):
    return ("From: Sender %d <sender%d@example.com>\r\nTo: alice@example.test\r\nSubject: capture %d\r\n"
            "Message-ID: <capture-%d@example.com>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" % (i, i, i, i)).encode() + body


a = Conn("A")
a.command("LOGIN %s %s" % (user, password))
a.command("DELETE " + FOLDER)
a.command("CREATE " + FOLDER)
for i in range(1, 6):
    body = ("line %d with \"quotes\" and ({braces}) and ümlauts\r\n" % i).encode() * (i * 40)
    a.command("APPEND %s (\\Seen $Label1) \"24-Nov-2026 10:0%d:00 +0100\"" % (FOLDER, i), message(i, body))
big = bytes(range(256)) * 800  # 200 KB, every byte value
a.command("APPEND %s ()" % FOLDER, message(6, b"binary follows\r\n") + big)
a.command("SELECT " + FOLDER)

tag, data = a.command("UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])")
save("batch", tag, data)
tag, data = a.command("UID FETCH 1:* (UID RFC822.SIZE)")
save("sizes", tag, data)

# Another session expunges, adds and flags while this one is idle: the next FETCH answer carries
# EXPUNGE, EXISTS and a flag-change FETCH besides ours.
b = Conn("B")
b.command("LOGIN %s %s" % (user, password))
b.command("SELECT " + FOLDER)
b.command("UID STORE 2 +FLAGS.SILENT (\\Deleted)")
b.command("UID EXPUNGE 2")
b.command("APPEND %s () " % FOLDER, message(7, b"late arrival\r\n"))
b.command("UID STORE 3 +FLAGS.SILENT (\\Flagged)")
time.sleep(0.5)
tag, data = a.command("UID FETCH 1:5 (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])")
save("interleaved", tag, data)

tag, data = a.command("UID FETCH 1:* (UID BOGUS)")
save("bad", tag, data)
# A NO: Dovecot refuses a FETCH of a message another session expunged but this one still sees.
b.command("UID STORE 4 +FLAGS.SILENT (\\Deleted)")
b.command("UID EXPUNGE 4")
time.sleep(0.5)
tag, data = a.command("FETCH 3 (UID BODY.PEEK[])")
save("no", tag, data)
tag, data = a.command("UID FETCH 6 (UID BODY.PEEK[])")
save("large", tag, data)
a.command("LOGOUT")
