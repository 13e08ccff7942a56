"""A real SMTP server for StepUp's tests (aiosmtpd): STARTTLS required, AUTH (PLAIN or LOGIN) required over TLS.

usage: smtp_sink.py PORT MAIL_DIR CERT KEY USER PASSWORD
Each accepted message is written to MAIL_DIR as <n>.eml, headed by X-Test-TLS and X-Test-Auth lines that say how
it arrived. Prints "ready" once listening.
"""
import os
import signal
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, mail_dir, cert, key, user, password = sys.argv[1:7]


class Sink:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(mail_dir, "%020d.eml" % time.time_ns())
        head = "X-Test-TLS: %s\r\nX-Test-Auth: %s\r\nX-Test-Rcpt: %s\r\n" % (
            "yes" if session.ssl else "no", "yes" if session.authenticated else "no",
            ",".join(envelope.rcpt_tos))
        with open(name + ".tmp", "wb") as out:
            out.write(head.encode() + envelope.original_content)
        os.rename(name + ".tmp", name)
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
          and auth_data.password == password.encode())
    return AuthResult(success=ok, handled=False)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(Sink(), hostname="127.0.0.1", port=int(port), tls_context=context, require_starttls=True,
                        authenticator=authenticator, auth_require_tls=True)
controller.start()
print("ready", flush=True)
signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
while True:
    signal.pause()
