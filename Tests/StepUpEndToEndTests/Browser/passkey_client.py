#!/usr/bin/env python3
"""An independent passkey client for StepUp's JSON API: keys from `cryptography`, authenticator data, COSE keys and
CBOR from `fido2` (Yubico's python-fido2) — no StepUp code. Registers a passkey, signs in with it alone
(usernameless), opens the admin area at aal3, approves a bound transfer, and checks refusals.

Usage: passkey_client.py BASE_URL ORIGIN USERNAME PASSWORD
Prints `ok: …` per step; exit 0 when every step behaved.
"""
import base64
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2 import cbor
from fido2.cose import ES256
from fido2.webauthn import AttestedCredentialData, AuthenticatorData

FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40
AAGUID = bytes.fromhex("0123456789abcdef0123456789abcdef")


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class API:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("content-type", "application/json")
        if token:
            request.add_header("authorization", "Bearer " + token)
        try:
            # Generous: a sign-in hashes its password at the lowest CPU priority (SCHED_IDLE), and on a CI machine
            # busy with the rest of the suite one took over 30 s. This client checks the passkey protocol, not that.
            with urllib.request.urlopen(request, timeout=120) as response:
                text = response.read().decode()
                return response.status, response.headers.get("content-type", ""), json.loads(text) if text else {}
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            return error.code, error.headers.get("content-type", ""), json.loads(text) if text else {}


class Authenticator:
    """One ES256 credential, answering options the way a platform authenticator does (UP and UV set)."""

    def __init__(self, origin):
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.user_handle = None
        self.counter = 0

    def client_data(self, kind, challenge, origin=None):
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin,
                           "crossOrigin": False}).encode()

    def register(self, options):
        self.user_handle = unb64u(options["user"]["id"])
        client_data = self.client_data("webauthn.create", options["challenge"])
        attested = AttestedCredentialData.create(AAGUID, self.credential_id,
                                                 ES256.from_cryptography_key(self.key.public_key()))
        auth_data = AuthenticatorData.create(hashlib.sha256(options["rp"]["id"].encode()).digest(),
                                             FLAG_UP | FLAG_UV | FLAG_AT, self.counter, attested)
        signature = self.key.sign(bytes(auth_data) + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        attestation = cbor.encode({"fmt": "packed", "attStmt": {"alg": -7, "sig": signature},
                                   "authData": bytes(auth_data)})
        return {"id": b64u(self.credential_id), "rawId": b64u(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64u(client_data), "attestationObject": b64u(attestation),
                             "transports": ["internal"]}}

    def assert_(self, options, origin=None):
        self.counter += 1
        client_data = self.client_data("webauthn.get", options["challenge"], origin)
        auth_data = AuthenticatorData.create(hashlib.sha256(options["rpId"].encode()).digest(), FLAG_UP | FLAG_UV,
                                             self.counter)
        signature = self.key.sign(bytes(auth_data) + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64u(self.credential_id), "rawId": b64u(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64u(client_data), "authenticatorData": b64u(bytes(auth_data)),
                             "signature": b64u(signature), "userHandle": b64u(self.user_handle)}}


def main():
    base, origin, username, password = sys.argv[1:5]
    api = API(base)
    device = Authenticator(origin)

    def check(condition, what, detail=""):
        if not condition:
            print(f"FAILED: {what}\n{detail}")
            sys.exit(1)
        print(f"ok: {what}")

    status, _, login = api.call("POST", "/v1/sessions", {"username": username, "password": password})
    check(status == 201 and "token" in login, "password sign-in", login)
    token = login["token"]

    status, _, options = api.call("POST", "/v1/factors/webauthn/options", {}, token)
    check(status == 200 and options["public_key"]["rp"]["id"], "registration options", options)
    status, _, factor = api.call("POST", "/v1/factors/webauthn",
                                 {"ceremony": options["ceremony"], "credential": device.register(options["public_key"]),
                                  "name": "python-fido2"}, token)
    check(status == 201 and factor["webauthn"]["synced"] is False, "the passkey is registered, device-bound", factor)

    status, _, options = api.call("POST", "/v1/sessions/webauthn/options", {})
    check(status == 200 and options["public_key"]["allowCredentials"] == [], "usernameless sign-in options", options)
    status, _, signed = api.call("POST", "/v1/sessions/webauthn",
                                 {"ceremony": options["ceremony"], "credential": device.assert_(options["public_key"])})
    check(status == 201, "sign-in with the passkey alone", signed)
    passkey_token = signed["token"]
    status, _, session = api.call("GET", "/v1/sessions/current", token=passkey_token)
    check(session.get("level") == "aal3" and session.get("amr") == ["hwk", "user", "mfa"], "aal3, amr hwk user mfa",
          session)
    status, _, decision = api.call("POST", "/v1/decisions", {"action": "admin.console.view"}, passkey_token)
    check(decision.get("decision") == "allow", "the admin area is open at aal3", decision)

    transfer = {"action": "bank.transfer",
                "context": {"transaction": {"amount": 1500, "currency": "EUR", "payee": "ACME Ltd"}}}
    status, _, decision = api.call("POST", "/v1/decisions", transfer, passkey_token)
    check(decision.get("decision") == "step_up", "a large transfer asks for a bound step-up", decision)
    challenge = decision["challenge"]["id"]
    status, _, options = api.call("POST", f"/v1/challenges/{challenge}/webauthn", {}, passkey_token)
    check(status == 200 and options["public_key"]["allowCredentials"][0]["id"] == b64u(device.credential_id),
          "step-up options list the passkey", options)
    status, kind, refused = api.call("POST", f"/v1/challenges/{challenge}/verify",
                                     {"factor": "webauthn", "ceremony": options["ceremony"],
                                      "credential": device.assert_(options["public_key"], origin="https://evil.example")},
                                     passkey_token)
    check(status == 401 and kind == "application/problem+json" and refused.get("webauthn_error") == "origin_not_allowed",
          "a wrong origin is refused with problem+json", refused)
    status, _, options = api.call("POST", f"/v1/challenges/{challenge}/webauthn", {}, passkey_token)
    answer = {"factor": "webauthn", "ceremony": options["ceremony"], "credential": device.assert_(options["public_key"])}
    status, _, verified = api.call("POST", f"/v1/challenges/{challenge}/verify", answer, passkey_token)
    check(status == 200 and verified.get("status") == "satisfied", "the transfer is approved with the passkey", verified)
    status, _, replay = api.call("POST", f"/v1/challenges/{challenge}/verify", answer, passkey_token)
    check(status == 409 and replay.get("type", "").endswith("/challenge-not-pending"),
          "the same answer again is refused (the challenge is complete)", replay)
    transfer["grant"] = verified["grant"]
    status, _, decision = api.call("POST", "/v1/decisions", transfer, passkey_token)
    check(decision.get("decision") == "allow", "the grant allows that transfer", decision)
    print("passkey client passed")


if __name__ == "__main__":
    main()
