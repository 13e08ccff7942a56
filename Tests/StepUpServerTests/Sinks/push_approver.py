"""An approver device for StepUp's push tests, written independently of StepUp: a browser's push keys
(P-256 + auth secret), a device key (P-256), Web Push decryption with http_ece, VAPID checked with PyJWT.

usage:
  push_approver.py enroll ENDPOINT STATE_FILE
      makes the keys, writes them to STATE_FILE, prints the enrollment body (subscription, device_key, proof)
  push_approver.py answer STATE_FILE REQUEST_FILE NUMBER DECISION BASE_URL [--wrong-key] [--no-send]
      decrypts the recorded push request, checks its VAPID token, signs the answer for NUMBER ("auto" would be
      cheating: the approver must be told the number by the person) and POSTs it to BASE_URL/v1/push/answers;
      prints {"status": <http status>, "body": <answer>, "payload": <decrypted notification>}
"""
import base64
import json
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

import http_ece
import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def point(key):
    return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def load(text):
    return serialization.load_pem_private_key(text.encode(), None)


def sign(key, message):
    # DER here (WebCrypto would give raw r||s; StepUp accepts both).
    return b64u(key.sign(message.encode(), ec.ECDSA(hashes.SHA256())))


def enroll(endpoint, state_file):
    browser = ec.generate_private_key(ec.SECP256R1())
    device = ec.generate_private_key(ec.SECP256R1())
    auth = bytes(range(16))
    state = {"browser": pem(browser), "device": pem(device), "auth": b64u(auth), "endpoint": endpoint}
    json.dump(state, open(state_file, "w"))
    print(json.dumps({
        "name": "Python phone",
        "subscription": {"endpoint": endpoint, "keys": {"p256dh": b64u(point(browser)), "auth": b64u(auth)}},
        "device_key": b64u(point(device)),
        "proof": sign(device, "stepup-push-enroll-v1\n" + endpoint),
    }))


def now():
    # The server's clock when the test runs it on a fixed date (--now=UNIX); the real time otherwise.
    given = [arg for arg in sys.argv if arg.startswith("--now=")]
    return int(given[0][6:]) if given else time.time()


def check_vapid(headers, endpoint):
    scheme, rest = headers["authorization"].split(" ", 1)
    assert scheme == "vapid", scheme
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64u(fields["k"]))
    url = urlparse(endpoint)
    claims = jwt.decode(fields["t"], public, algorithms=["ES256"], audience="%s://%s" % (url.scheme, url.netloc))
    assert claims["exp"] > now(), "expired VAPID token"
    assert claims["exp"] <= now() + 24 * 3600, "VAPID token valid too long (RFC 8292: at most 24 hours)"
    assert claims["sub"].startswith("mailto:") or claims["sub"].startswith("https:")
    return claims


def answer(state_file, request_file, number, decision, base_url, wrong_key):
    state = json.load(open(state_file))
    request = json.load(open(request_file))
    headers = request["headers"]
    assert headers["content-encoding"] == "aes128gcm", headers
    assert int(headers["ttl"]) > 0
    vapid = check_vapid(headers, state["endpoint"])
    payload = json.loads(http_ece.decrypt(base64.b64decode(request["body_b64"]), private_key=load(state["browser"]),
                                          auth_secret=unb64u(state["auth"]), version="aes128gcm"))
    assert len(payload["choices"]) == 3 and len(set(payload["choices"])) == 3, payload
    device = ec.generate_private_key(ec.SECP256R1()) if wrong_key else load(state["device"])
    message = "stepup-push-v1\n%s\n%s\n%s\n%s" % (payload["challenge_id"], number, payload["binding_hash"] or "-",
                                                 decision)
    body = json.dumps({"factor_id": payload["factor_id"], "challenge_id": payload["challenge_id"],
                       "number": number, "decision": decision, "signature": sign(device, message)}).encode()
    if "--no-send" in sys.argv:
        print(json.dumps({"payload": payload, "signed": body.decode()}))
        return
    http = urllib.request.Request(base_url + "/v1/push/answers", data=body, method="POST",
                                  headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(http) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    print(json.dumps({"status": status, "body": json.loads(text or "{}"), "payload": payload, "vapid": vapid,
                      "signed": body.decode()}))


if sys.argv[1] == "enroll":
    enroll(sys.argv[2], sys.argv[3])
else:
    answer(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], "--wrong-key" in sys.argv)
