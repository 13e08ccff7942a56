"""The independent implementation the QR tests compare with: segno (pip install segno).

Reads one JSON object on stdin, prints one JSON value.
  {"encode": [{"data": hex, "level": "L|M|Q|H", "version": n|null, "mask": n|null}, ...]}
      -> [{"version": n, "mask": n, "rows": ["0101...", ...]}, ...]   (no quiet zone; "1" is dark)
  {"penalties": [["0101...", ...], ...]}
      -> [[n1, n2, n3, n4], ...]   segno's scores of the given (already masked) matrices
"""
import json
import sys

import segno
from segno import encoder


def _spec_padding_bits(buff, version, length):
    """ISO/IEC 18004:2015 7.4.10: zero bits only when the bit stream does *not* end on a codeword boundary.

    segno 1.6.6 adds eight zero bits when it does, i.e. an extra 0x00 codeword before the pad codewords
    0xEC 0x11 in every byte-mode symbol with room left after the terminator. Readers ignore everything after the
    terminator, so its symbols still scan, but they are not the ones the standard builds. Compare with the rule.
    """
    if version not in (segno.consts.VERSION_M1, segno.consts.VERSION_M3) and length % 8:
        buff.extend([0] * (8 - length % 8))


encoder.write_padding_bits = _spec_padding_bits


def encode(case):
    # boost_error=False: segno would otherwise raise the level when the data fits the same version.
    qr = segno.make_qr(bytes.fromhex(case["data"]), error=case["level"].lower(), version=case.get("version"),
                       mode="byte", mask=case.get("mask"), boost_error=False)
    rows = ["".join("1" if module else "0" for module in row) for row in qr.matrix]
    return {"version": qr.version, "mask": qr.mask, "rows": rows}


def penalties(rows):
    matrix = tuple(bytearray(1 if c == "1" else 0 for c in row) for row in rows)
    return list(encoder.mask_scores(matrix, len(rows), len(rows)))


request = json.load(sys.stdin)
if "encode" in request:
    print(json.dumps([encode(case) for case in request["encode"]]))
else:
    print(json.dumps([penalties(rows) for rows in request["penalties"]]))
