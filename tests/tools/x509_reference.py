"""Reference reading of certificates by Python's `cryptography` (OpenSSL/rust-asn1 based), for
tests/parser_differential.rs. Reads DER certificates as hex lines on stdin; writes one JSON
object per line: the fields mtls-inspector's own parser extracts, or {"error": ...}."""
import json
import sys
import warnings

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

SHORT = {
    "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "street",
    "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.5": "serialNumber", "2.5.4.4": "SN",
    "2.5.4.42": "GN", "2.5.4.12": "title", "2.5.4.17": "postalCode", "2.5.4.46": "dnQualifier",
    "2.5.4.65": "pseudonym", "2.5.4.97": "organizationIdentifier",
    "1.2.840.113549.1.9.1": "Email", "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
}


def escape(value):
    """RFC 4514 escapes, as mtls-inspector shows names: specials and edge spaces with a
    backslash, controls and invisible format characters as the hex of their UTF-8 bytes."""
    import unicodedata
    out = []
    for i, c in enumerate(value):
        edge = (i == 0 and c in " #") or (i == len(value) - 1 and c == " ")
        if edge or c in '"+,;<>\\=':
            out.append("\\" + c)
        elif unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") or c == "\ufeff":
            out.append("".join(f"\\{b:02X}" for b in c.encode()))
        else:
            out.append(c)
    return "".join(out)


def name(n):
    rdns = []
    for rdn in n.rdns:
        parts = []
        for attribute in rdn:
            if not isinstance(attribute.value, str):
                return None
            parts.append(f"{SHORT.get(attribute.oid.dotted_string, attribute.oid.dotted_string)}={escape(attribute.value)}")
        rdns.append(" + ".join(parts))
    return ", ".join(rdns)


def describe(der):
    c = x509.load_der_x509_certificate(der)
    out = {
        "subject": name(c.subject),
        "issuer": name(c.issuer),
        "serial": format(c.serial_number, "x") if c.serial_number >= 0 else None,
        "version": c.version.value + 1,
        "not_before": int(c.not_valid_before_utc.timestamp()),
        "not_after": int(c.not_valid_after_utc.timestamp()),
        "extensions": [[e.oid.dotted_string, e.critical] for e in c.extensions],
    }
    for e in c.extensions:
        v = e.value
        if e.oid == ExtensionOID.BASIC_CONSTRAINTS:
            out["ca"] = v.ca
            out["path_len"] = v.path_length
        elif e.oid == ExtensionOID.KEY_USAGE:
            out["key_usage"] = [v.digital_signature, v.content_commitment, v.key_encipherment,
                                v.data_encipherment, v.key_agreement, v.key_cert_sign, v.crl_sign]
        elif e.oid == ExtensionOID.EXTENDED_KEY_USAGE:
            out["eku"] = sorted(o.dotted_string for o in v)
        elif e.oid == ExtensionOID.SUBJECT_KEY_IDENTIFIER:
            out["ski"] = v.digest.hex()
        elif e.oid == ExtensionOID.AUTHORITY_KEY_IDENTIFIER:
            out["aki"] = v.key_identifier.hex() if v.key_identifier is not None else None
        elif e.oid == ExtensionOID.SUBJECT_ALTERNATIVE_NAME:
            dns = [n.value for n in v if isinstance(n, x509.DNSName)]
            out["dns"] = dns
    return out


# Deliberately odd certificates (negative serials, …) draw deprecation warnings: not our subject.
warnings.simplefilter("ignore")

for line in sys.stdin:
    der = bytes.fromhex(line.strip())
    try:
        print(json.dumps(describe(der)))
    except Exception as error:  # noqa: BLE001 - any refusal is a result to compare
        print(json.dumps({"error": str(error)}))
    sys.stdout.flush()
