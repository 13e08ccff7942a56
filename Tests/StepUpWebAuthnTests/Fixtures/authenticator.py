"""A software authenticator for StepUpWebAuthn's tests, written against independent implementations.

Keys come from `cryptography`, authenticator data, attestation objects and COSE keys from `fido2` (Yubico's
python-fido2), and every case is also checked by py_webauthn (Duo's `webauthn`). Prints one JSON array of cases:
what the Swift side must accept (with the values it must report) or the error code it must refuse with, and what
py_webauthn said about the same bytes.
"""
import base64
import datetime
import hashlib
import json
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID
from fido2 import cbor
from fido2.cose import ES256, ES384, RS256, EdDSA
from fido2.webauthn import AttestedCredentialData, AuthenticatorData
from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers.structs import AttestationFormat

RP_ID = "stepup.example"
ORIGIN = "https://stepup.example"
FLAG_UP, FLAG_UV, FLAG_BE, FLAG_BS, FLAG_AT, FLAG_ED = 0x01, 0x04, 0x08, 0x10, 0x40, 0x80
AAGUID = bytes.fromhex("ee882879721c491397753dfcce97072a")
OUR_ALGS = [-7, -8, -257]


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class CredentialKey:
    """One credential key pair of a COSE algorithm, signing the way WebAuthn wants (ES*: DER)."""

    def __init__(self, alg: str):
        self.alg = alg
        if alg == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            self.cose = ES256.from_cryptography_key(self.private.public_key())
        elif alg == "ES384":
            self.private = ec.generate_private_key(ec.SECP384R1())
            self.cose = ES384.from_cryptography_key(self.private.public_key())
        elif alg == "EdDSA":
            self.private = ed25519.Ed25519PrivateKey.generate()
            self.cose = EdDSA.from_cryptography_key(self.private.public_key())
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.cose = RS256.from_cryptography_key(self.private.public_key())

    def sign(self, data: bytes) -> bytes:
        if self.alg == "ES256":
            return self.private.sign(data, ec.ECDSA(hashes.SHA256()))
        if self.alg == "ES384":
            return self.private.sign(data, ec.ECDSA(hashes.SHA384()))
        if self.alg == "EdDSA":
            return self.private.sign(data)
        return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())


def name(cn: str, ou: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "US"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "StepUp Test")]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def certificate(subject, subject_key, issuer, issuer_key, ca: bool, aaguid: bytes | None = None):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    if aaguid is not None:
        oid = x509.ObjectIdentifier("1.3.6.1.4.1.45724.1.1.4")
        builder = builder.add_extension(x509.UnrecognizedExtension(oid, b"\x04\x10" + aaguid), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class PKI:
    """A root, an intermediate, a packed attestation leaf under it, and a U2F leaf under the root."""

    def __init__(self):
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.root = certificate(name("StepUp Test Root"), self.root_key, name("StepUp Test Root"), self.root_key, True)
        self.mid_key = ec.generate_private_key(ec.SECP256R1())
        self.mid = certificate(name("StepUp Test CA"), self.mid_key, self.root.subject, self.root_key, True)
        self.leaf_key = ec.generate_private_key(ec.SECP256R1())
        self.leaf = certificate(
            name("StepUp Test Key", "Authenticator Attestation"), self.leaf_key, self.mid.subject, self.mid_key,
            False, AAGUID,
        )
        self.u2f_key = ec.generate_private_key(ec.SECP256R1())
        self.u2f = certificate(name("StepUp U2F Key"), self.u2f_key, self.root.subject, self.root_key, False)

    @staticmethod
    def der(cert) -> bytes:
        return cert.public_bytes(serialization.Encoding.DER)

    @staticmethod
    def pem(cert) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)


def client_data(kind, challenge, origin=ORIGIN, **extra) -> bytes:
    body = {"type": kind, "challenge": b64u(challenge), "origin": origin, "crossOrigin": False}
    body.update(extra)
    return json.dumps(body, separators=(",", ":")).encode()


def attestation(fmt, key, pki, auth_data, cdh, cred_id):
    signed = bytes(auth_data) + cdh
    if fmt == "none":
        return {}
    if fmt == "packed-self":
        return {"alg": key.cose.ALGORITHM, "sig": key.sign(signed)}
    if fmt == "packed":
        sig = pki.leaf_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {"alg": -7, "sig": sig, "x5c": [PKI.der(pki.leaf), PKI.der(pki.mid)]}
    if fmt == "fido-u2f":
        raw = key.private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        message = b"\x00" + auth_data.rp_id_hash + cdh + cred_id + raw
        return {"sig": pki.u2f_key.sign(message, ec.ECDSA(hashes.SHA256())), "x5c": [PKI.der(pki.u2f)]}
    if fmt == "tpm":
        return {"ver": "2.0"}
    raise ValueError(fmt)


def policy(requirement="none", roots=(), aaguids=None):
    return {"requirement": requirement, "roots": [b64u(PKI.der(r)) for r in roots], "aaguids": aaguids}


def py_outcome(call):
    try:
        return {"ok": True, "detail": repr(call())[:300]}
    except Exception as error:  # py_webauthn raises several exception types; any of them is a refusal
        return {"ok": False, "detail": f"{type(error).__name__}: {error}"[:300]}


def registration(name, pki, alg="ES256", fmt="none", *, flags=FLAG_UP | FLAG_UV | FLAG_AT, kind="webauthn.create",
                 origin=ORIGIN, rp_id=RP_ID, wrong_challenge=False, client_extra=None, pol=None, require_uv=False,
                 sign_other=False, mutate=None, extensions=None, error=None, py_compare=True, top_origins=()):
    key = CredentialKey(alg)
    cred_id = os.urandom(16 + len(name) % 48)
    challenge = os.urandom(32)
    cdj = client_data(kind, challenge, origin, **(client_extra or {}))
    aaguid = bytes(16) if fmt == "fido-u2f" else AAGUID
    acd = AttestedCredentialData.create(aaguid, cred_id, key.cose) if flags & FLAG_AT else b""
    ad = AuthenticatorData.create(sha256(rp_id.encode()), flags, 0, acd, extensions)
    stmt = attestation(fmt, key, pki, ad, sha256(cdj + (b" " if sign_other else b"")), cred_id)
    att = cbor.encode({"fmt": "packed" if fmt.startswith("packed") else fmt, "authData": bytes(ad), "attStmt": stmt})
    att = mutate(att) if mutate else att
    pol = pol or policy()
    expected = os.urandom(32) if wrong_challenge else challenge
    roots = [PKI.pem(pki.root)] if pol["roots"] else None
    if pol["roots"] and pol["roots"][0] != b64u(PKI.der(pki.root)):
        roots = [PKI.pem(PKI().root)]
    py = py_outcome(lambda: verify_registration_response(
        credential={"id": b64u(cred_id), "rawId": b64u(cred_id), "type": "public-key",
                    "response": {"clientDataJSON": b64u(cdj), "attestationObject": b64u(att)}},
        expected_challenge=expected, expected_rp_id=RP_ID, expected_origin=ORIGIN,
        require_user_verification=require_uv, supported_pub_key_algs=OUR_ALGS,
        pem_root_certs_bytes_by_fmt={AttestationFormat.PACKED: roots, AttestationFormat.FIDO_U2F: roots} if roots else None,
    ))
    trusted = bool(pol["roots"]) and fmt in ("packed", "fido-u2f") and pol["roots"][0] == b64u(PKI.der(pki.root))
    return {
        "name": name, "ceremony": "registration", "rpId": RP_ID, "origins": [ORIGIN], "topOrigins": list(top_origins),
        "policy": pol, "requireUV": require_uv, "challenge": b64u(expected), "clientDataJSON": b64u(cdj),
        "attestationObject": b64u(att), "error": error, "pyCompare": py_compare, "py": py,
        "expect": None if error else {
            "credentialId": b64u(cred_id), "publicKey": b64u(cbor.encode(key.cose)), "alg": key.cose.ALGORITHM,
            "aaguid": aaguid.hex(), "format": "packed" if fmt.startswith("packed") else fmt, "trusted": trusted,
            "userVerified": bool(flags & FLAG_UV), "backupEligible": bool(flags & FLAG_BE),
            "backupState": bool(flags & FLAG_BS), "signCount": 0,
        },
    }


def assertion(name, alg="ES256", *, flags=FLAG_UP | FLAG_UV, counter=0, stored=0, kind="webauthn.get", origin=ORIGIN,
              rp_id=RP_ID, wrong_challenge=False, client_extra=None, require_uv=False, sign_other=False, mutate=None,
              error=None, py_compare=True, top_origins=()):
    key = CredentialKey(alg)
    challenge = os.urandom(32)
    cdj = client_data(kind, challenge, origin, **(client_extra or {}))
    ad = bytes(AuthenticatorData.create(sha256(rp_id.encode()), flags, counter))
    sig = key.sign(ad + sha256(cdj + (b" " if sign_other else b"")))
    ad = mutate(ad) if mutate else ad
    expected = os.urandom(32) if wrong_challenge else challenge
    public_key = cbor.encode(key.cose)
    py = py_outcome(lambda: verify_authentication_response(
        credential={"id": "AA", "rawId": "AA", "type": "public-key",
                    "response": {"clientDataJSON": b64u(cdj), "authenticatorData": b64u(ad), "signature": b64u(sig)}},
        expected_challenge=expected, expected_rp_id=RP_ID, expected_origin=ORIGIN,
        credential_public_key=public_key, credential_current_sign_count=stored, require_user_verification=require_uv,
    ))
    return {
        "name": name, "ceremony": "assertion", "rpId": RP_ID, "origins": [ORIGIN], "topOrigins": list(top_origins),
        "policy": policy(), "requireUV": require_uv, "challenge": b64u(expected), "clientDataJSON": b64u(cdj),
        "authenticatorData": b64u(ad), "signature": b64u(sig), "publicKey": b64u(public_key), "storedSignCount": stored,
        "error": error, "pyCompare": py_compare, "py": py,
        "expect": None if error else {
            "signCount": counter, "userVerified": bool(flags & FLAG_UV), "backupEligible": bool(flags & FLAG_BE),
            "backupState": bool(flags & FLAG_BS), "regressed": (stored != 0 or counter != 0) and counter <= stored,
        },
    }


def cases():
    pki, other = PKI(), PKI()
    out = []
    for alg in ("ES256", "EdDSA", "RS256"):
        out.append(registration(f"{alg} none", pki, alg))
        out.append(registration(f"{alg} packed self", pki, alg, "packed-self"))
        out.append(registration(f"{alg} packed x5c untrusted", pki, alg, "packed"))
        out.append(registration(f"{alg} packed x5c trusted", pki, alg, "packed", pol=policy("trusted", [pki.root])))
        out.append(assertion(f"{alg} assertion", alg, require_uv=True))
        out.append(assertion(f"{alg} assertion counter up", alg, counter=5, stored=4))
        out.append(assertion(f"{alg} assertion counter back", alg, counter=3, stored=7, py_compare=False))
    up, uv, at = FLAG_UP, FLAG_UV, FLAG_AT
    out += [
        registration("fido-u2f trusted", pki, "ES256", "fido-u2f", flags=up | at, pol=policy("trusted", [pki.root])),
        registration("fido-u2f untrusted", pki, "ES256", "fido-u2f", flags=up | at),
        registration("synced passkey", pki, "ES256", flags=up | uv | at | FLAG_BE | FLAG_BS),
        registration("with extensions", pki, "EdDSA", flags=up | uv | at | FLAG_ED, extensions={"credProtect": 2}),
        registration("aaguid allowed", pki, pol=policy(aaguids=[str(AAGUID.hex())])),
        registration("cross-origin allowed", pki, client_extra={"crossOrigin": True, "topOrigin": "https://portal.example"},
                     top_origins=["https://portal.example"], py_compare=False),
        registration("reg wrong origin", pki, origin="https://stepup.example.evil", error="origin_not_allowed"),
        registration("reg wrong rp", pki, rp_id="evil.example", error="rp_id_mismatch"),
        registration("reg challenge mismatch", pki, wrong_challenge=True, error="challenge_mismatch"),
        registration("reg type get", pki, kind="webauthn.get", error="type_mismatch"),
        registration("reg up clear", pki, flags=uv | at, error="user_not_present"),
        registration("reg uv required", pki, flags=up | at, require_uv=True, error="user_not_verified"),
        registration("reg bad self signature", pki, "ES256", "packed-self", sign_other=True, error="bad_signature"),
        registration("reg bad x5c signature", pki, "EdDSA", "packed", sign_other=True, error="bad_signature"),
        registration("reg bad u2f signature", pki, "ES256", "fido-u2f", sign_other=True, error="bad_signature"),
        registration("reg ES384", pki, "ES384", error="unsupported_algorithm"),
        registration("reg tpm", pki, fmt="tpm", error="unsupported_attestation_format", py_compare=False),
        registration("reg untrusted root", pki, "ES256", "packed", pol=policy("trusted", [other.root]),
                     error="attestation_not_trusted"),
        registration("reg self under trusted", pki, "ES256", "packed-self", pol=policy("trusted", [pki.root]),
                     error="attestation_not_trusted", py_compare=False),
        registration("reg aaguid not allowed", pki, pol=policy(aaguids=["00000000-0000-0000-0000-000000000001"]),
                     error="aaguid_not_allowed", py_compare=False),
        registration("reg truncated", pki, mutate=lambda b: b[:-1], error="malformed_cbor"),
        registration("reg trailing", pki, mutate=lambda b: b + b"\x00", error="malformed_cbor", py_compare=False),
        registration("reg indefinite", pki, mutate=lambda b: b"\xbf" + b[1:] + b"\xff", error="malformed_cbor",
                     py_compare=False),
        registration("reg cross origin", pki, client_extra={"crossOrigin": True, "topOrigin": "https://evil.example"},
                     error="cross_origin_not_allowed", py_compare=False),
        registration("reg no credential", pki, flags=up | uv, error="missing_credential_data"),
        registration("reg BS without BE", pki, flags=up | uv | at | FLAG_BS, error="malformed_authenticator_data"),
        assertion("asn wrong origin", origin="https://evil.example", error="origin_not_allowed"),
        assertion("asn wrong rp", rp_id="evil.example", error="rp_id_mismatch"),
        assertion("asn challenge mismatch", wrong_challenge=True, error="challenge_mismatch"),
        assertion("asn type create", kind="webauthn.create", error="type_mismatch"),
        assertion("asn up clear", flags=uv, error="user_not_present"),
        assertion("asn uv required", flags=up, require_uv=True, error="user_not_verified"),
        assertion("asn uv not required", flags=up),
        assertion("asn signature over other data", "RS256", sign_other=True, error="bad_signature"),
        assertion("asn Ed25519 signature over other data", "EdDSA", sign_other=True, error="bad_signature"),
        assertion("asn cross origin", client_extra={"crossOrigin": True}, error="cross_origin_not_allowed",
                  py_compare=False),
        assertion("asn truncated", mutate=lambda b: b[:36], error="malformed_authenticator_data"),
        assertion("asn trailing", mutate=lambda b: b + b"\x00", error="malformed_authenticator_data"),
    ]
    return out


if __name__ == "__main__":
    json.dump(cases(), sys.stdout)
