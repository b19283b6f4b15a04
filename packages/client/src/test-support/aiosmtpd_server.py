"""An aiosmtpd server for the client's interop tests (run with Debian's /usr/bin/python3).

Stores each message as DIR/NNNN.eml (the octets exactly as received, after dot-unstuffing) and
DIR/NNNN.json (envelope, parameters, TLS and AUTH state); the .json is written first and the .eml
renamed into place last, so a test that sees the .eml sees both. Adds CRAM-MD5 and XOAUTH2 to
aiosmtpd's PLAIN and LOGIN, through handler methods, and refuses recipients whose local part
starts with "no" (550 5.1.1).
"""
import argparse
import base64
import hmac
import json
import os
import secrets
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--dir", required=True)
parser.add_argument("--tls-cert")
parser.add_argument("--tls-key")
parser.add_argument("--require-starttls", action="store_true")
parser.add_argument("--auth", help="USER:PASS accepted by PLAIN, LOGIN and CRAM-MD5")
parser.add_argument("--token", help="access token accepted by XOAUTH2")
parser.add_argument("--smtputf8", action="store_true")
parser.add_argument("--size", type=int, default=33554432)
args = parser.parse_args()

USER, PASSWORD = (args.auth.split(":", 1) if args.auth else (None, None))


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and USER is not None
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    # handled=False on failure: aiosmtpd then answers 535 itself (handled=True would mean "already answered").
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class Handler:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("no"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "%04d" % self.count)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "rcpt_options": envelope.rcpt_options,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        }
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 OK queued as %s" % secrets.token_hex(4)

    async def auth_CRAM__MD5(self, server, arguments):
        if USER is None:
            return AuthResult(success=False, handled=False)
        challenge = "<%d.%s@aiosmtpd.test>" % (os.getpid(), secrets.token_hex(6))
        response = await server.challenge_auth(challenge)
        if not isinstance(response, bytes):
            return AuthResult(success=False, handled=True)
        user, _, digest = response.decode(errors="replace").rpartition(" ")
        expected = hmac.new(PASSWORD.encode(), challenge.encode(), "md5").hexdigest()
        ok = user == USER and hmac.compare_digest(digest, expected)
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    async def auth_XOAUTH2(self, server, arguments):
        if args.token is None or len(arguments) != 2:
            return AuthResult(success=False, handled=False)
        try:
            fields = base64.b64decode(arguments[1], validate=True).decode().split("\x01")
        except Exception:
            return AuthResult(success=False, handled=False)
        pairs = dict(field.split("=", 1) for field in fields if "=" in field)
        if pairs.get("auth") == "Bearer " + args.token and pairs.get("user") == USER:
            return AuthResult(success=True, auth_data=pairs["user"])
        error = base64.b64encode(json.dumps({"status": "401", "schemes": "bearer"}).encode()).decode()
        await server.challenge_auth(error, encode_to_b64=False)
        await server.push("535 5.7.8 Username and Password not accepted")
        return AuthResult(success=False, handled=True)


tls_context = None
if args.tls_cert:
    tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_context.load_cert_chain(args.tls_cert, args.tls_key)

controller = Controller(
    Handler(args.dir),
    hostname="127.0.0.1",
    port=args.port,
    server_hostname="aiosmtpd.test",
    tls_context=tls_context,
    require_starttls=args.require_starttls,
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
sys.exit(0)
