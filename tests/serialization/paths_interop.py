#!/usr/bin/env python3
"""Interoperability of our `.paths` code with an independent implementation of the format.

The `.paths` format (the Rust crate pathmap's `paths_serialization`): one zlib stream whose
uncompressed content is, per path, a little-endian u32 length followed by the path bytes.

This script writes `.paths` files with Python's own `zlib` module, following only that
description, and checks that our decoder (through `paths_tool`) reads back the right paths;
then it has our encoder write files and decodes them here. Hostile files must fail with the
right error. Usage: paths_interop.py <paths_tool> <work dir>
"""

import os
import random
import struct
import subprocess
import sys
import zlib

TOOL = sys.argv[1]
WORK = sys.argv[2]
os.makedirs(WORK, exist_ok=True)

checks = 0
failures = []


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def payload(paths):
    return b"".join(struct.pack("<I", len(p)) + p for p in paths)


def write(name, data):
    path = os.path.join(WORK, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def read_hex_lines(path):
    with open(path, "r") as f:
        return [bytes.fromhex(line.rstrip("\n")) for line in f]


def tool(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True)


def decode(name, data):
    """Our decoder on `data`: (records in file order, the map's paths) or an error text."""
    src = write(name + ".paths", data)
    rec_out = os.path.join(WORK, name + ".records.hex")
    map_out = os.path.join(WORK, name + ".map.hex")
    r = tool("decode", src, rec_out)
    if r.returncode != 0:
        return None, None, (r.returncode, r.stderr.strip())
    m = tool("decode-map", src, map_out)
    if m.returncode != 0:
        return None, None, (m.returncode, m.stderr.strip())
    return read_hex_lines(rec_out), read_hex_lines(map_out), None


def map_order(paths):
    # The map iterates lexicographically over unsigned bytes, a prefix first: Python's bytes
    # order. Duplicates collapse; the empty path is the root value, first.
    return sorted(set(paths))


# -- Python writes, we read ------------------------------------------------------------------

rng = random.Random(20240611)
ALPHABET = bytes([0x00, 0x01, 0x61, 0x62, 0x7F, 0x80, 0xFE, 0xFF])


def random_path():
    n = rng.randrange(0, 12)
    if rng.randrange(40) == 0:
        n = rng.randrange(100, 3000)
    return bytes(rng.choice(ALPHABET) for _ in range(n))


def compress_chunked(data, level):
    """One zlib stream fed in odd pieces with sync and full flushes between them, so that
    deflate blocks end in the middle of records and length fields."""
    c = zlib.compressobj(level)
    out = []
    pos = 0
    while pos < len(data):
        k = rng.randrange(1, 700)
        out.append(c.compress(data[pos:pos + k]))
        pos += k
        r = rng.randrange(4)
        if r == 0:
            out.append(c.flush(zlib.Z_SYNC_FLUSH))
        elif r == 1:
            out.append(c.flush(zlib.Z_FULL_FLUSH))
    out.append(c.flush(zlib.Z_FINISH))
    return b"".join(out)


cases = []
# The crate's example keys.
roman = [k.encode() for k in ["arrow", "bow", "cannon", "roman", "romane", "romanus", "romulus",
                               "rubens", "ruber", "rubicon", "rubicundus", "rom'i"]]
cases.append(("roman", sorted(roman)))
# Random sets in the order the crate writes them (sorted), and in random order with duplicates
# and the empty path (which the crate never writes, but a reader must take).
for i in range(6):
    ps = sorted(set(random_path() for _ in range(rng.randrange(1, 400))) - {b""})
    cases.append(("sorted%d" % i, ps))
    shuffled = ps + rng.sample(ps, min(len(ps), 5)) + [b""]
    rng.shuffle(shuffled)
    cases.append(("shuffled%d" % i, shuffled))
# Binary bytes and a 1 MiB path.
big = bytes(rng.randrange(256) for _ in range(1 << 20))
cases.append(("binary", [b"\x00", b"\xff", b"\x00\x00", b"\xff\xff\x00", b"\x00\xff"]))
cases.append(("mib", [big[:10], big, big[:-1] + b"\x00", b"\xff" * (1 << 20)]))
cases.append(("empty_set", []))

for name, paths in cases:
    data = payload(paths)
    for variant, blob in [("l7", zlib.compress(data, 7)),
                          ("l0", zlib.compress(data, 0)),
                          ("l1", zlib.compress(data, 1)),
                          ("l9", zlib.compress(data, 9)),
                          ("chunked", compress_chunked(data, 7))]:
        recs, mp, err = decode("%s.%s" % (name, variant), blob)
        check(err is None, "%s/%s decodes (%s)" % (name, variant, err))
        if err is None:
            check(recs == paths, "%s/%s: records in file order" % (name, variant))
            check(mp == map_order(paths), "%s/%s: the map holds the paths" % (name, variant))

# -- we write, Python reads ---------------------------------------------------------------------

r = tool("zlib-version")
our_zlib = r.stdout.strip()
same_zlib = our_zlib == zlib.ZLIB_RUNTIME_VERSION
print("zlib: ours %s, python's %s" % (our_zlib, zlib.ZLIB_RUNTIME_VERSION))

for name, paths in cases:
    hex_in = write(name + ".in.hex", "".join(p.hex() + "\n" for p in paths).encode())
    out = os.path.join(WORK, name + ".ours.paths")
    r = tool("encode", hex_in, out)
    check(r.returncode == 0, "%s: encode (%s)" % (name, r.stderr.strip()))
    if r.returncode != 0:
        continue
    with open(out, "rb") as f:
        blob = f.read()
    # RFC 1950 header of a level 7 stream: CMF 0x78, FLG 0xda (FLEVEL 3, FCHECK).
    check(blob[:2] == b"\x78\xda", "%s: zlib header says level 7 (%r)" % (name, blob[:2]))
    d = zlib.decompressobj()
    raw = d.decompress(blob)
    check(d.eof and d.unused_data == b"", "%s: exactly one zlib stream" % name)
    got = []
    pos = 0
    while pos + 4 <= len(raw):
        (n,) = struct.unpack_from("<I", raw, pos)
        got.append(raw[pos + 4:pos + 4 + n])
        pos += 4 + n
    check(pos == len(raw), "%s: whole records" % name)
    # The empty path is the root value, which serialize_paths never writes.
    want = [p for p in map_order(paths) if p]
    check(got == want, "%s: Python reads our records in map order" % name)
    if same_zlib:
        check(blob == zlib.compress(payload(want), 7),
              "%s: byte-identical to zlib.compress(records, 7)" % name)

# -- hostile files ----------------------------------------------------------------------------


def expect_error(name, blob, text):
    _, _, err = decode(name, blob)
    check(err is not None and err[0] == 2 and text in err[1],
          "%s: fails with '%s' (got %s)" % (name, text, err))


good = zlib.compress(payload(roman), 7)
expect_error("hostile.empty", b"", "ended before")
for cut in [1, 2, 5, len(good) // 2, len(good) - 4, len(good) - 1]:
    expect_error("hostile.cut%d" % cut, good[:cut], "")
expect_error("hostile.trailing", good + b"\x00", "bytes follow")
expect_error("hostile.notzlib", b"this is not zlib at all", "not a valid zlib")
bad_adler = bytearray(good)
bad_adler[-1] ^= 1
expect_error("hostile.adler", bytes(bad_adler), "not a valid zlib")
expect_error("hostile.hugelen", zlib.compress(struct.pack("<I", 0xFFFFFFFF) + b"abc", 7),
             "longer than the limit")
expect_error("hostile.pastend", zlib.compress(struct.pack("<I", 1000) + b"abc", 7),
             "ended before")
expect_error("hostile.cutlen", zlib.compress(payload([b"ab"]) + b"\x01\x00", 7), "ended before")
expect_error("hostile.gzip", __import__("gzip").compress(payload(roman)), "not a valid zlib")

print("%d checks, %d failures" % (checks, len(failures)))
sys.exit(1 if failures else 0)
