#!/usr/bin/env python3
"""An independent verifier of casetrail evidence format v1, written from docs/format.md alone.

It reads a directory of vectors (layout in README.md beside this file), checks every event
(canonical header, version, body hash, event hash, ed25519 signature, device id <-> key), every
chain (contiguity from seq 1, links, duplicates, reorder), the log checkpoint (C2SP signed note,
key id, origin), the inclusion and consistency proofs (RFC 9162) and the media receipts, and
reports every defect it finds, never stopping at the first.

    verify_v1.py [--json] DIR

Exit status: 0 sound, 1 defects found, 2 usage error or unreadable input.

Standard library plus PyNaCl (libsodium) for ed25519. Nothing here is shared with the Rust code.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Optional

try:
    import nacl.exceptions
    import nacl.signing
except ImportError:  # pragma: no cover - reported at run time
    nacl = None  # type: ignore[assignment]

# ---------------------------------------------------------------------------------------------
# Constants of the format (docs/format.md, "Domain separation").
# ---------------------------------------------------------------------------------------------

EVENT_PREFIX = b"casetrail/event/v1"
MEDIA_RECEIPT_PREFIX = "casetrail/media-receipt/v1"
ENROL_PREFIX = "casetrail/enrol/v1"
AUTH_PREFIX = "casetrail/auth/v1"
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
KEY_ID_ED25519 = b"\x01"
ALG_ED25519 = "ed25519"
HEADER_VERSION = 1
ZERO_HASH = "0" * 64
MAX_NOTE_BYTES = 16 * 1024

#: Kinds defined by v1, and which of them only a back-office chain may issue.
KNOWN_KINDS = {
    "device.genesis",
    "case.opened",
    "case.status_changed",
    "record.added",
    "record.amended",
    "record.finalized",
    "record.voided",
    "case.override_approved",
    "evidence.captured",
    "slot.signed",
    "slot.refused",
    "backoffice.decided",
    "backoffice.case_assigned",
    "backoffice.device_revoked",
    "device.clock_skew",
}
BACKOFFICE_KINDS = {"backoffice.decided", "backoffice.case_assigned", "backoffice.device_revoked"}
NO_CASE_KINDS = {"device.genesis", "backoffice.device_revoked", "device.clock_skew"}

#: Defect codes, in the order reports sort them (the journal codes first, as format.md lists them).
DEFECT_CODES = [
    "malformed_header",
    "non_canonical_header",
    "unsupported_version",
    "index_mismatch",
    "unsupported_algorithm",
    "unknown_key",
    "bad_signature",
    "altered_body",
    "broken_link",
    "gap",
    "reorder",
    "duplicate_seq",
    "key_mismatch",
    "weak_key",
    "bad_key",
    "malformed_checkpoint",
    "bad_checkpoint_signature",
    "wrong_origin",
    "bad_inclusion_proof",
    "bad_consistency_proof",
    "malformed_receipt",
    "bad_receipt_signature",
]
WARNING_CODES = [
    "unknown_kind",
    "unreadable_body",
    "case_mismatch",
    "backoffice_event_from_device",
    "genesis_key_mismatch",
    "inclusion_for_absent_event",
]
_ORDER = {c: i for i, c in enumerate(DEFECT_CODES + WARNING_CODES)}
_FILE_ORDER = {"keys.json": 0, "events.jsonl": 1, None: 2, "checkpoint.txt": 3, "inclusion.json": 4,
               "consistency.json": 5, "media-receipts.json": 6}


class Unreadable(Exception):
    """The input cannot be read at all (exit status 2)."""


# ---------------------------------------------------------------------------------------------
# Small encodings.
# ---------------------------------------------------------------------------------------------

_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_HEX = "0123456789abcdefABCDEF"


def sha256(*parts: bytes) -> bytes:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def b64decode_strict(s: Any) -> Optional[bytes]:
    """Standard base64 with padding, canonical (re-encoding gives the same text), or None."""
    if not isinstance(s, str):
        return None
    try:
        raw = base64.b64decode(s.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    if base64.b64encode(raw).decode("ascii") != s:
        return None
    return raw


def b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def is_hash_hex(s: Any) -> bool:
    """A SHA-256 written as format.md says: exactly 64 lower-case hex digits."""
    return isinstance(s, str) and bool(_HEX64.match(s))


def parse_uuid(s: str) -> Optional[str]:
    """Reads a UUID in any of the spellings the reference parser accepts (hyphenated, simple,
    braced, urn; hex digits of either case) and returns the canonical spelling: 36 characters,
    lower-case, hyphens at 8-13-18-23. None if it is not a UUID at all."""
    if len(s) == 32:
        digits = s
    else:
        if len(s) == 45 and s[:9].lower() == "urn:uuid:":
            t = s[9:]
        elif len(s) == 38 and s[0] == "{" and s[-1] == "}":
            t = s[1:-1]
        elif len(s) == 36:
            t = s
        else:
            return None
        if t[8] != "-" or t[13] != "-" or t[18] != "-" or t[23] != "-":
            return None
        digits = t[:8] + t[9:13] + t[14:18] + t[19:23] + t[24:]
    if len(digits) != 32 or any(c not in _HEX for c in digits):
        return None
    d = digits.lower()
    return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))\Z"
)


def parse_rfc3339(s: str) -> Optional[tuple[_dt.datetime, int]]:
    """An RFC 3339 date-time with any offset, as (UTC datetime without fraction, nanoseconds).
    Seconds 00-59 (v1 writers never write a leap second). None if it is not one."""
    m = _RFC3339.match(s)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    frac = m.group(7) or ""
    nanos = int((frac[:9]).ljust(9, "0")) if frac else 0
    if second > 59 or hour > 23 or minute > 59:
        return None
    try:
        t = _dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if m.group(8) is None:
        oh, om = int(m.group(10)), int(m.group(11))
        if oh > 23 or om > 59:
            return None
        offset = _dt.timedelta(hours=oh, minutes=om)
        t = t - offset if m.group(9) == "+" else t + offset
    if not (1 <= t.year <= 9999):
        return None
    return t, nanos


def format_utc(t: _dt.datetime, nanos: int) -> str:
    """The canonical spelling of a UTC time: YYYY-MM-DDTHH:MM:SS, then no fraction, 3, 6 or 9
    digits (the fewest of those that hold the value exactly), then Z."""
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    if len(base) != 19:  # years below 1000 are zero-padded to four digits
        base = f"{t.year:04d}" + base[base.index("-"):]
    if nanos == 0:
        frac = ""
    elif nanos % 1_000_000 == 0:
        frac = f".{nanos // 1_000_000:03d}"
    elif nanos % 1_000 == 0:
        frac = f".{nanos // 1_000:06d}"
    else:
        frac = f".{nanos:09d}"
    return base + frac + "Z"


def canonical_utc(s: str) -> Optional[str]:
    parsed = parse_rfc3339(s)
    return None if parsed is None else format_utc(*parsed)


def json_string(s: str) -> str:
    """A JSON string as the canonical form writes it: UTF-8 as is; escaped are only `"` and `\\`
    (with a backslash), the controls \\b \\f \\n \\r \\t by name, every other control below 0x20
    as \\u00XX with lower-case hex. Nothing else is escaped (not `/`, not DEL, not non-ASCII)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20:
            out.append({8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}.get(o, f"\\u{o:04x}"))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# The event header.
# ---------------------------------------------------------------------------------------------


@dataclass
class Header:
    v: int
    device: str
    seq: int
    prev: str
    utc: str
    offset_s: int
    mono_ns: int
    boot: str
    kind: str
    case: Optional[str]
    body_hash: str

    def to_bytes(self) -> bytes:
        case = "null" if self.case is None else json_string(self.case)
        text = (
            '{"v":' + str(self.v)
            + ',"device":' + json_string(self.device)
            + ',"seq":' + str(self.seq)
            + ',"prev":' + json_string(self.prev)
            + ',"at":{"utc":' + json_string(self.utc)
            + ',"offset_s":' + str(self.offset_s)
            + ',"mono_ns":' + str(self.mono_ns)
            + ',"boot":' + json_string(self.boot)
            + '},"kind":' + json_string(self.kind)
            + ',"case":' + case
            + ',"body_hash":' + json_string(self.body_hash)
            + "}"
        )
        return text.encode("utf-8")


class HeaderRefused(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


class _Duplicate(Exception):
    pass


def _pairs_no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _Duplicate(k)
        out[k] = v
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(raw: bytes) -> Any:
    """Parses RFC 8259 JSON from UTF-8 bytes: no duplicate member names, no NaN/Infinity, no lone
    surrogates. Raises ValueError."""
    text = raw.decode("utf-8")  # strict: invalid UTF-8 raises
    value = json.loads(text, object_pairs_hook=_pairs_no_duplicates, parse_constant=_no_constants)
    _check_strings(value)
    return value


def _check_strings(value: Any) -> None:
    if isinstance(value, str):
        value.encode("utf-8")  # a lone surrogate from a \\uD800 escape raises here
    elif isinstance(value, dict):
        for k, v in value.items():
            k.encode("utf-8")
            _check_strings(v)
    elif isinstance(value, list):
        for v in value:
            _check_strings(v)


_TOP = ["v", "device", "seq", "prev", "at", "kind", "case", "body_hash"]
_AT = ["utc", "offset_s", "mono_ns", "boot"]


def _int(obj: dict, name: str, lo: int, hi: int) -> int:
    v = obj[name]
    if type(v) is not int or not (lo <= v <= hi):
        raise HeaderRefused("malformed_header", f"{name} is not an integer in [{lo}, {hi}]")
    return v


def _str(obj: dict, name: str) -> str:
    v = obj[name]
    if not isinstance(v, str):
        raise HeaderRefused("malformed_header", f"{name} is not a string")
    return v


def _hash(obj: dict, name: str) -> str:
    v = obj[name]
    if not is_hash_hex(v):
        raise HeaderRefused("malformed_header", f"{name} is not 64 lower-case hex digits")
    return v


def _uuid(value: Any, name: str) -> str:
    u = parse_uuid(value) if isinstance(value, str) else None
    if u is None:
        raise HeaderRefused("malformed_header", f"{name} is not a UUID")
    return u


def parse_header(raw: bytes) -> Header:
    """Accepts the canonical v1 header and nothing else (format.md, "The canonical-form check").
    Raises HeaderRefused with malformed_header, unsupported_version or non_canonical_header."""
    try:
        obj = strict_json(raw)
    except _Duplicate as e:
        raise HeaderRefused("malformed_header", f"member {e} appears twice") from None
    except (ValueError, UnicodeError, RecursionError):
        raise HeaderRefused("malformed_header", "not UTF-8 JSON") from None
    if not isinstance(obj, dict):
        raise HeaderRefused("malformed_header", "not a JSON object")
    # Version first: a header of another version is not read further.
    v = obj.get("v")
    if type(v) is int and v != HEADER_VERSION:
        raise HeaderRefused("unsupported_version", f"v is {v}")
    unknown = [k for k in obj if k not in _TOP]
    if unknown:
        raise HeaderRefused("malformed_header", f"unknown member {unknown[0]!r}")
    missing = [k for k in _TOP if k not in obj and k != "case"]
    if missing:
        raise HeaderRefused("malformed_header", f"member {missing[0]!r} missing")
    at = obj["at"]
    if not isinstance(at, dict):
        raise HeaderRefused("malformed_header", "at is not an object")
    unknown = [k for k in at if k not in _AT]
    if unknown:
        raise HeaderRefused("malformed_header", f"unknown member at.{unknown[0]}")
    missing = [k for k in _AT if k not in at]
    if missing:
        raise HeaderRefused("malformed_header", f"member at.{missing[0]} missing")
    utc_text = _str(at, "utc")
    utc = canonical_utc(utc_text)
    if utc is None:
        raise HeaderRefused("malformed_header", "at.utc is not an RFC 3339 time")
    case_value = obj.get("case")
    header = Header(
        v=_int(obj, "v", 0, 2**32 - 1),
        device=_uuid(obj["device"], "device"),
        seq=_int(obj, "seq", 0, 2**64 - 1),
        prev=_hash(obj, "prev"),
        utc=utc,
        offset_s=_int(at, "offset_s", -(2**31), 2**31 - 1),
        mono_ns=_int(at, "mono_ns", 0, 2**64 - 1),
        boot=_str(at, "boot"),
        kind=_str(obj, "kind"),
        case=None if case_value is None else _uuid(case_value, "case"),
        body_hash=_hash(obj, "body_hash"),
    )
    if header.to_bytes() != raw:
        raise HeaderRefused("non_canonical_header", "bytes differ from the canonical encoding")
    return header


def event_hash(header_bytes: bytes) -> bytes:
    return sha256(EVENT_PREFIX, header_bytes)


# ---------------------------------------------------------------------------------------------
# Keys: device ids, weak keys, signatures.
# ---------------------------------------------------------------------------------------------


def device_id_of(public_key: bytes) -> str:
    """UUIDv8 from the first 16 bytes of SHA-256(public key): version nibble 8, variant 10."""
    b = bytearray(sha256(public_key)[:16])
    b[6] = (b[6] & 0x0F) | 0x80
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_P = 2**255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _decode_point(b: bytes) -> Optional[tuple[int, int]]:
    """RFC 8032 5.1.3 point decoding; None for a non-canonical or off-curve encoding."""
    if len(b) != 32:
        return None
    y = int.from_bytes(b, "little") & ((1 << 255) - 1)
    sign = b[31] >> 7
    if y >= _P:
        return None
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = (u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P)) % _P
    if (v * x * x - u) % _P != 0:
        x = (x * _SQRT_M1) % _P
        if (v * x * x - u) % _P != 0:
            return None
    if x == 0 and sign == 1:
        return None
    if x & 1 != sign:
        x = _P - x
    return x, y


def _double(pt: tuple[int, int]) -> tuple[int, int]:
    x, y = pt
    xy = x * y % _P
    t = _D * xy * xy % _P
    x3 = 2 * xy * pow((1 + t) % _P, _P - 2, _P) % _P
    y3 = (y * y + x * x) * pow((1 - t) % _P, _P - 2, _P) % _P
    return x3, y3


def key_problem(public_key: bytes) -> Optional[str]:
    """None for a usable ed25519 public key; else bad_key (not a canonical curve point) or
    weak_key (a point of small order: anyone could sign for it)."""
    pt = _decode_point(public_key)
    if pt is None:
        return "bad_key"
    for _ in range(3):
        pt = _double(pt)
    if pt == (0, 1):
        return "weak_key"
    return None


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Strict RFC 8032 verification (libsodium: canonical S, R and A not of small order)."""
    if len(signature) != 64 or len(public_key) != 32:
        return False
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
        return True
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError, TypeError):
        return False


# ---------------------------------------------------------------------------------------------
# Merkle tree (RFC 9162 2.1) and proofs (2.1.3.2, 2.1.4.2).
# ---------------------------------------------------------------------------------------------


def leaf_hash(leaf: bytes) -> bytes:
    return sha256(LEAF_PREFIX, leaf)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(NODE_PREFIX, left, right)


def root_of(leaf_hashes: list[bytes]) -> bytes:
    """MTH over already-hashed leaves; SHA-256 of nothing for the empty tree."""
    n = len(leaf_hashes)
    if n == 0:
        return sha256()
    if n == 1:
        return leaf_hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


def inclusion_path(leaf_hashes: list[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 2.1.3.1 (for building test logs)."""
    n = len(leaf_hashes)
    if n <= 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if index < k:
        return inclusion_path(leaf_hashes[:k], index) + [root_of(leaf_hashes[k:])]
    return inclusion_path(leaf_hashes[k:], index - k) + [root_of(leaf_hashes[:k])]


def consistency_path(leaf_hashes: list[bytes], m: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 2.1.4.1 (for building test logs)."""

    def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
        n = len(d)
        if m == n:
            return [] if b else [root_of(d)]
        k = 1
        while k * 2 < n:
            k *= 2
        if m <= k:
            return subproof(m, d[:k], b) + [root_of(d[k:])]
        return subproof(m - k, d[k:], False) + [root_of(d[:k])]

    return subproof(m, leaf_hashes, True)


class ProofError(Exception):
    pass


def verify_inclusion(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> None:
    """RFC 9162 2.1.3.2. `leaf` is the leaf *hash*. Raises ProofError."""
    if not (0 <= index < size):
        raise ProofError("leaf index not inside the tree")
    if len(leaf) != 32 or len(root) != 32 or any(len(p) != 32 for p in path):
        raise ProofError("a hash is not 32 bytes")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError("proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof too short")
    if r != root:
        raise ProofError("root mismatch")


def verify_consistency(size1: int, size2: int, path: list[bytes], root1: bytes, root2: bytes) -> None:
    """RFC 9162 2.1.4.2, with the rules for the edge cases that format.md states: equal sizes need
    an empty proof and equal roots; a proof from the empty tree is refused. Raises ProofError."""
    if size1 < 0 or size2 < size1:
        raise ProofError("old tree larger than new")
    if size1 == 0:
        raise ProofError("a proof from the empty tree proves nothing")
    if size1 == size2:
        if path:
            raise ProofError("proof must be empty for equal sizes")
        if root1 != root2:
            raise ProofError("root mismatch")
        return
    if not path:
        raise ProofError("empty proof")
    if len(root1) != 32 or len(root2) != 32 or any(len(p) != 32 for p in path):
        raise ProofError("a hash is not 32 bytes")
    path = list(path)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("proof too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof too short")
    if fr != root1 or sr != root2:
        raise ProofError("root mismatch")


# ---------------------------------------------------------------------------------------------
# Checkpoints (C2SP signed note) and media receipts.
# ---------------------------------------------------------------------------------------------


def key_id(name: str, public_key: bytes) -> bytes:
    return sha256(name.encode("utf-8"), b"\n", KEY_ID_ED25519, public_key)[:4]


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{b64encode(root)}\n"


def sign_note(text: str, name: str, public_key: bytes, sign) -> str:
    """A signed note of `text` (ending in a newline) by `sign(message) -> 64 bytes`."""
    blob = key_id(name, public_key) + sign(text.encode("utf-8"))
    return f"{text}\n\u2014 {name} {b64encode(blob)}\n"


@dataclass
class Checkpoint:
    origin: str
    size: int
    root: bytes


def check_checkpoint(note: str, origin: str, name: str, public_key: bytes) -> tuple[Optional[Checkpoint], list[tuple[str, str]]]:
    """Parses and verifies a signed checkpoint. Returns the checkpoint (None when malformed) and
    the problems found as (code, detail)."""
    problems: list[tuple[str, str]] = []
    if len(note.encode("utf-8")) > MAX_NOTE_BYTES:
        return None, [("malformed_checkpoint", "note larger than 16 KiB")]
    if "\r" in note:
        return None, [("malformed_checkpoint", "carriage return in the note")]
    if "\n\n" not in note:
        return None, [("malformed_checkpoint", "no blank line before the signatures")]
    body, sigs = note.split("\n\n", 1)
    text = body + "\n"
    lines = body.split("\n")
    if len(lines) != 3:
        return None, [("malformed_checkpoint", f"{len(lines)} text lines, want 3 (origin, size, root)")]
    o, size_s, root_s = lines
    if not o:
        return None, [("malformed_checkpoint", "empty origin")]
    if not re.fullmatch(r"0|[1-9][0-9]*", size_s) or int(size_s) >= 2**64:
        return None, [("malformed_checkpoint", "size is not a decimal without leading zeros")]
    root = b64decode_strict(root_s)
    if root is None or len(root) != 32:
        return None, [("malformed_checkpoint", "root is not base64 of 32 bytes")]
    if not sigs.endswith("\n") or sigs == "\n":
        return None, [("malformed_checkpoint", "signature lines missing or not ending in a newline")]
    want = key_id(name, public_key)
    candidates = 0
    verified = False
    for line in sigs[:-1].split("\n"):
        if not line.startswith("\u2014 "):
            return None, [("malformed_checkpoint", "a signature line does not start with an em dash and a space")]
        rest = line[2:]
        if " " not in rest:
            return None, [("malformed_checkpoint", "a signature line has no name")]
        n, sig_b64 = rest.rsplit(" ", 1)
        blob = b64decode_strict(sig_b64)
        if blob is None:
            return None, [("malformed_checkpoint", "a signature is not base64")]
        if n != name or len(blob) != 68 or blob[:4] != want:
            continue  # another signer (a witness, another key): not ours to check
        candidates += 1
        if ed25519_verify(public_key, text.encode("utf-8"), blob[4:]):
            verified = True
        else:
            problems.append(("bad_checkpoint_signature", "the log key's signature does not verify"))
    if candidates == 0:
        problems.append(("bad_checkpoint_signature", f"no signature by {name!r} with key id {want.hex()}"))
    elif not verified and not problems:
        problems.append(("bad_checkpoint_signature", "the log key's signature does not verify"))
    if o != origin:
        problems.append(("wrong_origin", f"origin {o!r}, want {origin!r}"))
    return Checkpoint(o, int(size_s), root), problems


def media_receipt_text(sha256_hex: str, size: int, received_at: str) -> str:
    return f"{MEDIA_RECEIPT_PREFIX}\n{sha256_hex}\n{size}\n{received_at}\n"


# ---------------------------------------------------------------------------------------------
# The verifier.
# ---------------------------------------------------------------------------------------------


@dataclass
class Finding:
    code: str
    device: Optional[str] = None
    seq: Optional[int] = None
    file: Optional[str] = None
    line: Optional[int] = None
    index: Optional[int] = None
    detail: str = ""

    def sort_key(self) -> tuple:
        # keys first, then events in storage order with gaps after them, then the log files.
        return (
            _FILE_ORDER.get(self.file, 2),
            self.line if self.line is not None else (self.index if self.index is not None else 1 << 62),
            self.seq if self.seq is not None else -1,
            _ORDER.get(self.code, 999),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "device": self.device, "seq": self.seq}
        for k in ("file", "line", "index"):
            v = getattr(self, k)
            if v is not None:
                out[k] = v
        out["detail"] = self.detail
        return out

    def where(self) -> str:
        if self.device is not None:
            return f"{self.device}:{self.seq if self.seq is not None else '-'}"
        return self.file or "-"


@dataclass
class KeyInfo:
    device_id: str
    public_key: bytes
    role: str


@dataclass
class Entry:
    """One line of events.jsonl."""

    line: int
    device: str
    seq: int
    kind: str
    header_b64: str
    body_b64: Optional[str]
    body_sha256: str
    event_hash: str
    sig_alg: str
    signature_b64: str


@dataclass
class _Seen:
    line: int
    seq: int
    link: Optional[tuple[str, str]]  # (event hash, prev) when the header parsed
    trusted: bool


@dataclass
class Report:
    directory: str = ""
    events: int = 0
    stubs: int = 0
    chains: list[dict[str, Any]] = field(default_factory=list)
    checkpoint: Optional[dict[str, Any]] = None
    inclusion_proofs: int = 0
    consistency_proofs: int = 0
    media_receipts: int = 0
    defects: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.defects

    def codes(self) -> set[tuple[Optional[str], Optional[int], str]]:
        return {(d.device, d.seq, d.code) for d in self.defects}

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "casetrail evidence format v1",
            "directory": self.directory,
            "sound": self.sound,
            "events": self.events,
            "stubs": self.stubs,
            "chains": self.chains,
            "checkpoint": self.checkpoint,
            "inclusion_proofs": self.inclusion_proofs,
            "consistency_proofs": self.consistency_proofs,
            "media_receipts": self.media_receipts,
            "defects": [d.to_json() for d in self.defects],
            "warnings": [w.to_json() for w in self.warnings],
        }


def load_keys(obj: Any, report: Report) -> tuple[dict[str, KeyInfo], Optional[dict[str, Any]]]:
    """keys.json -> trusted keys by device id (the id derived from the key), and the log entry."""
    if not isinstance(obj, dict) or not isinstance(obj.get("devices"), list):
        raise Unreadable("keys.json: want an object with a list 'devices'")
    trusted: dict[str, KeyInfo] = {}
    seen_ids: set[str] = set()
    for i, d in enumerate(obj["devices"]):
        if not isinstance(d, dict) or not all(isinstance(d.get(k), str) for k in ("device_id", "public_key", "role")):
            raise Unreadable(f"keys.json: devices[{i}] needs strings device_id, public_key, role")
        if d["role"] not in ("device", "backoffice"):
            raise Unreadable(f"keys.json: devices[{i}].role must be 'device' or 'backoffice'")
        if d["device_id"] in seen_ids:
            raise Unreadable(f"keys.json: device {d['device_id']} listed twice")
        seen_ids.add(d["device_id"])
        where = dict(device=d["device_id"], file="keys.json", index=i)
        if not re.fullmatch(r"[0-9a-f]{64}", d["public_key"]):
            report.defects.append(Finding("bad_key", detail="public_key is not 64 lower-case hex digits", **where))
            continue
        pk = bytes.fromhex(d["public_key"])
        problem = key_problem(pk)
        if problem:
            detail = "not a canonical ed25519 point" if problem == "bad_key" else "a point of small order"
            report.defects.append(Finding(problem, detail=detail, **where))
            continue
        derived = device_id_of(pk)
        if derived != d["device_id"]:
            report.defects.append(
                Finding("key_mismatch", detail=f"the key's device id is {derived}", **where)
            )
        trusted[derived] = KeyInfo(derived, pk, d["role"])
    log = obj.get("log")
    if log is not None:
        if not isinstance(log, dict) or not all(isinstance(log.get(k), str) for k in ("origin", "key_name", "public_key")):
            raise Unreadable("keys.json: log needs strings origin, key_name, public_key")
        if not re.fullmatch(r"[0-9a-f]{64}", log["public_key"]):
            report.defects.append(Finding("bad_key", file="keys.json", detail="log public_key is not 64 lower-case hex digits"))
            log = None
        else:
            problem = key_problem(bytes.fromhex(log["public_key"]))
            if problem:
                report.defects.append(Finding(problem, file="keys.json", detail="log public_key refused"))
                log = None
    return trusted, log


def read_entries(text: str) -> list[Entry]:
    entries: list[Entry] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except ValueError as e:
            raise Unreadable(f"events.jsonl line {n}: not JSON ({e})") from None
        if not isinstance(o, dict):
            raise Unreadable(f"events.jsonl line {n}: not an object")
        for k in ("device", "kind", "header", "body_sha256", "event_hash", "sig_alg", "signature"):
            if not isinstance(o.get(k), str):
                raise Unreadable(f"events.jsonl line {n}: {k} must be a string")
        if type(o.get("seq")) is not int or o["seq"] < 0:
            raise Unreadable(f"events.jsonl line {n}: seq must be a non-negative integer")
        body = o.get("body")
        if body is not None and not isinstance(body, str):
            raise Unreadable(f"events.jsonl line {n}: body must be a string, null or absent")
        entries.append(
            Entry(n, o["device"], o["seq"], o["kind"], o["header"], body, o["body_sha256"],
                  o["event_hash"], o["sig_alg"], o["signature"])
        )
    return entries


def verify_events(entries: list[Entry], keys: dict[str, KeyInfo], report: Report,
                  parsed_out: Optional[dict[int, tuple[Header, Optional[bytes]]]] = None) -> None:
    """Per-event checks, then per-chain checks (format.md, "What a verifier checks")."""
    chains: dict[str, list[_Seen]] = {}
    order: list[str] = []

    for e in entries:
        report.events += 1
        stub = e.body_b64 is None
        if stub:
            report.stubs += 1

        def defect(code: str, detail: str = "", e: Entry = e) -> None:
            report.defects.append(Finding(code, e.device, e.seq, "events.jsonl", e.line, detail=detail))

        if e.device not in chains:
            chains[e.device] = []
            order.append(e.device)
        chain = chains[e.device]

        raw = b64decode_strict(e.header_b64)
        try:
            if raw is None:
                raise HeaderRefused("malformed_header", "header is not base64")
            header = parse_header(raw)
        except HeaderRefused as r:
            defect(r.code, r.detail)
            chain.append(_Seen(e.line, e.seq, None, False))
            continue
        h = event_hash(raw).hex()
        trusted = True
        mismatched = [
            name for name, ok in (
                ("device", header.device == e.device),
                ("seq", header.seq == e.seq),
                ("event_hash", h == e.event_hash),
                ("kind", header.kind == e.kind),
                ("body_sha256", header.body_hash == e.body_sha256),
            ) if not ok
        ]
        if mismatched:
            defect("index_mismatch", "differs from the signed header: " + ", ".join(mismatched))
            trusted = False
        body: Optional[bytes] = None
        if not stub:
            body = b64decode_strict(e.body_b64)
            if body is None:
                defect("altered_body", "body is not base64")
            elif sha256(body).hex() != header.body_hash:
                defect("altered_body", "SHA-256 of the body differs from body_hash")
                body = None
        seen = _Seen(e.line, e.seq, (h, header.prev), trusted)
        chain.append(seen)
        if parsed_out is not None:
            parsed_out[e.line] = (header, body)
        if e.sig_alg != ALG_ED25519:
            defect("unsupported_algorithm", f"sig_alg {e.sig_alg!r}")
            seen.trusted = False
            continue
        key = keys.get(header.device)
        if key is None:
            defect("unknown_key", f"no trusted key for device {header.device}")
            seen.trusted = False
            continue
        sig = b64decode_strict(e.signature_b64)
        if sig is None or len(sig) != 64 or not ed25519_verify(key.public_key, bytes.fromhex(h), sig):
            defect("bad_signature", "the signature does not verify over the event hash")
            seen.trusted = False

    for device in order:
        _check_chain(device, chains[device], report)
        chain = chains[device]
        with_link = [s for s in chain if s.link is not None]
        head = max(with_link, key=lambda s: s.seq).link[0] if with_link else ZERO_HASH
        key = keys.get(device)
        report.chains.append({
            "device": device,
            "role": key.role if key else None,
            "events": len(chain),
            "last_seq": max((s.seq for s in chain), default=0),
            "head": head,
        })


def _check_chain(device: str, chain: list[_Seen], report: Report) -> None:
    by_seq: dict[int, _Seen] = {}
    highest = 0
    for s in chain:
        if s.seq in by_seq:
            report.defects.append(Finding("duplicate_seq", device, s.seq, "events.jsonl", s.line,
                                          detail="this sequence number occurs earlier in the chain"))
            if not by_seq[s.seq].trusted and s.trusted:
                by_seq[s.seq] = s
            continue
        if s.seq < highest:
            report.defects.append(Finding("reorder", device, s.seq, "events.jsonl", s.line,
                                          detail=f"stored after seq {highest}"))
        highest = max(highest, s.seq)
        by_seq[s.seq] = s
    expected = 1
    for seq in sorted(by_seq):
        s = by_seq[seq]
        for missing in range(expected, seq):
            report.defects.append(Finding("gap", device, missing, detail="no event with this sequence number"))
        expected = seq + 1
        if s.link is None or not s.trusted:
            continue
        if seq <= 1:
            want: Optional[str] = ZERO_HASH
        else:
            p = by_seq.get(seq - 1)
            want = p.link[0] if p is not None and p.trusted and p.link is not None else None
        if want is not None and s.link[1] != want:
            report.defects.append(Finding("broken_link", device, seq, "events.jsonl", s.line,
                                          detail="prev is not the hash of the preceding event"))


def interpret(entries: list[Entry], parsed: dict[int, tuple[Header, Optional[bytes]]],
              keys: dict[str, KeyInfo], report: Report) -> None:
    """What a reader notes about bodies it can read; none of this makes a journal unsound."""
    for e in entries:
        if e.line not in parsed:
            continue
        header, body = parsed[e.line]

        def warn(code: str, detail: str, e: Entry = e) -> None:
            report.warnings.append(Finding(code, e.device, e.seq, "events.jsonl", e.line, detail=detail))

        if header.kind not in KNOWN_KINDS:
            warn("unknown_kind", f"kind {header.kind!r} is not defined by v1: verified, not interpreted")
            continue
        key = keys.get(header.device)
        if header.kind in BACKOFFICE_KINDS and key is not None and key.role != "backoffice":
            warn("backoffice_event_from_device", f"{header.kind} from a chain whose role is {key.role!r}: not honoured")
        if body is None:
            continue
        try:
            obj = json.loads(body.decode("utf-8"))
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeError):
            warn("unreadable_body", f"the body of this {header.kind} is not a JSON object")
            continue
        if header.kind in NO_CASE_KINDS:
            body_case = None
        elif header.kind == "evidence.captured":
            item = obj.get("item")
            body_case = item.get("case_id") if isinstance(item, dict) else None
        else:
            body_case = obj.get("case_id")
        if body_case != header.case:
            warn("case_mismatch", f"header case {header.case}, body case {body_case}")
        if header.kind == "device.genesis" and key is not None:
            if obj.get("public_key") != key.public_key.hex() or obj.get("alg") != ALG_ED25519:
                warn("genesis_key_mismatch", "the genesis body names another key or algorithm than the chain's")


def _read_json(path: str) -> Any:
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError, UnicodeError) as e:
        raise Unreadable(f"{os.path.basename(path)}: {e}") from None


def _decode_path(path: Any) -> Optional[list[bytes]]:
    if not isinstance(path, list):
        return None
    out = []
    for p in path:
        raw = b64decode_strict(p)
        if raw is None:
            return None
        out.append(raw)
    return out


def verify_dir(directory: str) -> Report:
    """Verifies a vector directory. Raises Unreadable for input that cannot be read at all."""
    if nacl is None:
        raise Unreadable("PyNaCl is not installed (pip install pynacl)")
    if not os.path.isdir(directory):
        raise Unreadable(f"{directory}: not a directory")
    report = Report(directory=directory)
    p = lambda name: os.path.join(directory, name)  # noqa: E731
    for required in ("keys.json", "events.jsonl"):
        if not os.path.isfile(p(required)):
            raise Unreadable(f"{required} missing")
    keys, log = load_keys(_read_json(p("keys.json")), report)
    try:
        with open(p("events.jsonl"), "rb") as f:
            text = f.read().decode("utf-8")
    except (OSError, UnicodeError) as e:
        raise Unreadable(f"events.jsonl: {e}") from None
    entries = read_entries(text)
    parsed: dict[int, tuple[Header, Optional[bytes]]] = {}
    verify_events(entries, keys, report, parsed)
    interpret(entries, parsed, keys, report)

    by_hash = {}
    for e in entries:
        if e.line in parsed:
            by_hash.setdefault(event_hash(base64.b64decode(e.header_b64)).hex(), (e.device, e.seq))

    log_files = [n for n in ("checkpoint.txt", "inclusion.json", "consistency.json", "media-receipts.json") if os.path.isfile(p(n))]
    if log_files and log is None and not any(d.file == "keys.json" and d.device is None for d in report.defects):
        raise Unreadable(f"{log_files[0]} present but keys.json has no 'log'")
    if (os.path.isfile(p("inclusion.json")) or os.path.isfile(p("consistency.json"))) and not os.path.isfile(p("checkpoint.txt")):
        raise Unreadable("inclusion.json or consistency.json present without checkpoint.txt")

    cp: Optional[Checkpoint] = None
    if log is not None and os.path.isfile(p("checkpoint.txt")):
        log_pk = bytes.fromhex(log["public_key"])
        try:
            with open(p("checkpoint.txt"), "rb") as f:
                note = f.read().decode("utf-8")
        except (OSError, UnicodeError):
            note = None
            report.defects.append(Finding("malformed_checkpoint", file="checkpoint.txt", detail="not UTF-8 text"))
        if note is not None:
            cp, problems = check_checkpoint(note, log["origin"], log["key_name"], log_pk)
            for code, detail in problems:
                report.defects.append(Finding(code, file="checkpoint.txt", detail=detail))
            report.checkpoint = None if cp is None else {
                "origin": cp.origin, "size": cp.size, "root": b64encode(cp.root),
                "verified": not problems,
            }

        if cp is not None and os.path.isfile(p("inclusion.json")):
            proofs = _read_json(p("inclusion.json"))
            if not isinstance(proofs, list):
                raise Unreadable("inclusion.json: want a list")
            for i, pr in enumerate(proofs):
                if not isinstance(pr, dict):
                    raise Unreadable(f"inclusion.json[{i}]: want an object")
                report.inclusion_proofs += 1
                eh = pr.get("event_hash")
                dev, seq = by_hash.get(eh, (None, None)) if isinstance(eh, str) else (None, None)
                where = dict(device=dev, seq=seq, file="inclusion.json", index=i)
                path = _decode_path(pr.get("path"))
                idx, size = pr.get("leaf_index"), pr.get("tree_size")
                if not is_hash_hex(eh) or path is None or type(idx) is not int or type(size) is not int:
                    report.defects.append(Finding("bad_inclusion_proof", detail="malformed entry", **where))
                    continue
                if size != cp.size:
                    report.defects.append(Finding("bad_inclusion_proof", detail=f"tree_size {size}, checkpoint size {cp.size}", **where))
                    continue
                try:
                    verify_inclusion(idx, size, leaf_hash(bytes.fromhex(eh)), path, cp.root)
                except ProofError as err:
                    report.defects.append(Finding("bad_inclusion_proof", detail=str(err), **where))
                    continue
                if dev is None:
                    report.warnings.append(Finding("inclusion_for_absent_event", file="inclusion.json", index=i,
                                                   detail=f"the log holds {eh}, which is not among these events"))

        if cp is not None and os.path.isfile(p("consistency.json")):
            items = _read_json(p("consistency.json"))
            if not isinstance(items, list):
                raise Unreadable("consistency.json: want a list")
            for i, it in enumerate(items):
                if not isinstance(it, dict) or not isinstance(it.get("old_checkpoint"), str):
                    raise Unreadable(f"consistency.json[{i}]: want an object with old_checkpoint")
                report.consistency_proofs += 1
                where = dict(file="consistency.json", index=i)
                old, problems = check_checkpoint(it["old_checkpoint"], log["origin"], log["key_name"], log_pk)
                for code, detail in problems:
                    report.defects.append(Finding(code, detail="old checkpoint: " + detail, **where))
                path = _decode_path(it.get("path"))
                if old is None or path is None:
                    if path is None:
                        report.defects.append(Finding("bad_consistency_proof", detail="malformed path", **where))
                    continue
                try:
                    verify_consistency(old.size, cp.size, path, old.root, cp.root)
                except ProofError as err:
                    report.defects.append(Finding("bad_consistency_proof", detail=str(err), **where))

    if log is not None and os.path.isfile(p("media-receipts.json")):
        log_pk = bytes.fromhex(log["public_key"])
        receipts = _read_json(p("media-receipts.json"))
        if not isinstance(receipts, list):
            raise Unreadable("media-receipts.json: want a list")
        for i, r in enumerate(receipts):
            if not isinstance(r, dict):
                raise Unreadable(f"media-receipts.json[{i}]: want an object")
            report.media_receipts += 1
            where = dict(file="media-receipts.json", index=i)
            sha, size, at = r.get("sha256"), r.get("size"), r.get("received_at")
            if not is_hash_hex(sha) or type(size) is not int or size < 0 or not isinstance(at, str) or parse_rfc3339(at) is None:
                report.defects.append(Finding("malformed_receipt", detail="sha256, size or received_at malformed", **where))
                continue
            sig = b64decode_strict(r.get("signature"))
            text = media_receipt_text(sha, size, at).encode("utf-8")
            if sig is None or len(sig) != 64 or not ed25519_verify(log_pk, text, sig):
                report.defects.append(Finding("bad_receipt_signature", detail=f"receipt for {sha}", **where))

    report.defects.sort(key=Finding.sort_key)
    report.warnings.sort(key=Finding.sort_key)
    return report


def render_text(report: Report) -> str:
    out = [f"casetrail evidence format v1: {report.directory}"]
    out.append(f"events: {report.events} in {len(report.chains)} chain(s), {report.stubs} stub(s)")
    for c in report.chains:
        out.append(f"  chain {c['device']} ({c['role'] or 'untrusted'}): {c['events']} event(s), last seq {c['last_seq']}, head {c['head']}")
    if report.checkpoint:
        cp = report.checkpoint
        out.append(f"checkpoint: {cp['origin']} size {cp['size']} root {cp['root']} ({'signature verified' if cp['verified'] else 'NOT verified'})")
    if report.inclusion_proofs or report.consistency_proofs:
        out.append(f"proofs: {report.inclusion_proofs} inclusion, {report.consistency_proofs} consistency")
    if report.media_receipts:
        out.append(f"media receipts: {report.media_receipts}")
    if report.sound:
        out.append("SOUND: no defects")
    else:
        out.append(f"DEFECTS: {len(report.defects)}")
        for d in report.defects:
            loc = f"{d.file} line {d.line}" if d.line is not None else (f"{d.file}[{d.index}]" if d.index is not None else (d.file or ""))
            out.append(f"  {d.where()}  {d.code}  {d.detail}" + (f"  ({loc})" if loc else ""))
    if report.warnings:
        out.append(f"notes: {len(report.warnings)}")
        for w in report.warnings:
            out.append(f"  {w.where()}  {w.code}  {w.detail}")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--json"]
    as_json = len(args) != len(argv)
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: verify_v1.py [--json] DIR", file=sys.stderr)
        return 2
    try:
        report = verify_dir(args[0])
    except Unreadable as e:
        print(f"verify_v1: {e}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text(report))
    return 0 if report.sound else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
