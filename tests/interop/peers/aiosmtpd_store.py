"""aiosmtpd for the interop suite (run with Debian's /usr/bin/python3).

Stock aiosmtpd (its SMTP class, PLAIN and LOGIN from its own authenticator hook) with a handler
that stores each message as DIR/NNNN.eml (the octets received, dots unstuffed) and DIR/NNNN.json
(envelope, parameters, TLS and AUTH state): the .json first, the .eml renamed into place last.
Recipients whose local part starts with "no" are refused with 550 5.1.1.
"""
import argparse
import json
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--dir", required=True)
parser.add_argument("--tls-cert")
parser.add_argument("--tls-key")
parser.add_argument("--auth", help="USER:PASS")
parser.add_argument("--smtputf8", action="store_true")
parser.add_argument("--size", type=int, default=33554432)
args = parser.parse_args()

USER, PASSWORD = args.auth.split(":", 1) if args.auth else (None, None)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and USER is not None
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login.decode() if ok else None)


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("no"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "%04d" % self.count)
        meta = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "rcpt_options": envelope.rcpt_options,
            "tls": session.ssl is not None,
            "auth": session.auth_data if session.authenticated else None,
        }
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 OK"


tls_context = None
if args.tls_cert:
    tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_context.load_cert_chain(args.tls_cert, args.tls_key)

controller = Controller(
    Store(args.dir),
    hostname="127.0.0.1",
    port=args.port,
    server_hostname="aiosmtpd.example.test",
    tls_context=tls_context,
    enable_SMTPUTF8=args.smtputf8,
    data_size_limit=args.size,
    authenticator=authenticator,
    auth_require_tls=tls_context is not None,
)
controller.start()
print("listening", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
stop.wait()
controller.stop()
