#!/usr/bin/env python3
"""ACT files (the crate's arena_compact format, ACTree03) written and read without our C++ code.

    act_interop.py <act_tool> <work dir>

1. Writes trees with an encoder of its own, made from the format's description only, and with
   other choices than our writer makes (straight runs cut into chains of short line nodes,
   the value at a run's end kept on the branch below the line, repeated line data not shared,
   children of 32 and more as a mask), then checks that `act_tool dump` lists exactly the
   paths and values it wrote.
2. Has `act_tool build` write the word list and decodes that file here, checking every path and
   value.
Exit status 0 when everything matches.
"""
import os
import random
import subprocess
import sys

MAGIC = b"ACTree03"


def varint(v):
    if v <= 247:
        return bytes([v])
    n = (v.bit_length() + 7) // 8
    return bytes([247 + n]) + v.to_bytes(n, "little")


class Writer:
    def __init__(self):
        self.out = bytearray(MAGIC + bytes(8))

    def write_node(self, desc):
        """Writes ('branch', value, first child, child bytes) or ('line', value, line data,
        child) here; returns its offset."""
        at = len(self.out)
        kind = desc[0]
        if kind == "branch":
            _, value, first, mask = desc
            head = min(len(mask), 32) | (0x40 if value is not None else 0)
            self.out.append(head)
            if value is not None:
                self.out += varint(value)
            if mask:
                self.out += varint(at - first)
            if len(mask) >= 32:
                words = [0, 0, 0, 0]
                for b in mask:
                    words[b // 64] |= 1 << (b % 64)
                for w in words:
                    self.out += w.to_bytes(8, "little")
            else:
                self.out += bytes(sorted(mask))
        else:
            _, value, line_at, child = desc
            self.out.append(0x80 | (0x40 if value is not None else 0) | (1 if child is not None else 0))
            if value is not None:
                self.out += varint(value)
            if child is not None:
                self.out += varint(at - child)
            self.out += varint(at - line_at)
        return at

    def line_data(self, run):
        at = len(self.out)
        self.out += varint(len(run)) + run
        return at

    def subtree(self, trie, rng):
        """Writes what lies below `trie` (a dict: byte -> dict, None -> value) and returns the
        description of the node for its position (not yet written)."""
        value = trie.get(None)
        kids = sorted(k for k in trie if k is not None)
        descs = [self.below_byte(trie[b], rng) for b in kids]
        first = len(self.out)
        for d in descs:
            self.write_node(d)
        return ("branch", value, first, kids)

    def below_byte(self, trie, rng):
        """The node one byte below a branch: a branch, or a chain of short lines."""
        run = bytearray()
        while None not in trie and len(trie) == 1:
            (b, trie), = trie.items()
            run.append(b)
        end = self.subtree(trie, rng)
        if not run:
            return end
        # Cut the run into pieces of 1 to 3 bytes, the last piece first (children come first).
        pieces = []
        while run:
            n = min(len(run), rng.randint(1, 3))
            pieces.append(bytes(run[:n]))
            run = run[n:]
        _, value, first, kids = end
        child = None
        line_value = value
        if kids:
            # Sometimes keep the value on the branch below the last line (the reader must take it
            # from there when the line has none).
            keep_on_branch = rng.random() < 0.5
            child = self.write_node(("branch", value if keep_on_branch else None, first, kids))
            line_value = None if keep_on_branch else value
        desc = None
        for i, piece in enumerate(reversed(pieces)):
            line_at = self.line_data(piece)
            if i == 0:
                desc = ("line", line_value, line_at, child)
            else:
                desc = ("line", None, line_at, self.write_node(desc))
        return desc

    def finish(self, root_desc):
        at = self.write_node(root_desc)
        self.out[8:16] = at.to_bytes(8, "little")
        self.out += bytes(8)
        return bytes(self.out)


def encode(items, rng):
    trie = {}
    for path, value in items.items():
        t = trie
        for b in path:
            t = t.setdefault(b, {})
        t[None] = value
    w = Writer()
    return w.finish(w.subtree(trie, rng))


def decode(data):
    assert data[:8] == MAGIC, "magic"

    def rv(at):
        f = data[at]
        if f <= 247:
            return f, at + 1
        n = f - 247
        return int.from_bytes(data[at + 1:at + 1 + n], "little"), at + 1 + n

    def node(at):
        head = data[at]
        p = at + 1
        value = None
        if head & 0x40:
            value, p = rv(p)
        if head & 0x80:
            child = None
            if head & 1:
                rel, p = rv(p)
                child = at - rel
            rel, p = rv(p)
            ln, q = rv(at - rel)
            return ("line", value, data[q:q + ln], child), p
        count = head & 0x3F
        first = None
        if count:
            rel, p = rv(p)
            first = at - rel
        if count == 32:
            words = [int.from_bytes(data[p + 8 * i:p + 8 * i + 8], "little") for i in range(4)]
            kids = [b for b in range(256) if words[b // 64] >> (b % 64) & 1]
            p += 32
        else:
            kids = list(data[p:p + count])
            p += count
        return ("branch", value, first, kids), p

    out = {}
    root = int.from_bytes(data[8:16], "little")
    stack = [(root, b"", None)]
    while stack:
        at, path, inherited = stack.pop()
        n, _ = node(at)
        if n[0] == "line":
            _, value, run, child = n
            if inherited is not None:
                out[path] = inherited
            end = path + run
            if child is None:
                if value is not None:
                    out[end] = value
            else:
                stack.append((child, end, value))
        else:
            _, value, first, kids = n
            v = inherited if inherited is not None else value
            if v is not None:
                out[path] = v
            p = first
            for b in kids:
                stack.append((p, path + bytes([b]), None))
                p = node(p)[1]
    return out


def dump(tool, file):
    r = subprocess.run([tool, "dump", file], capture_output=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr.decode(errors="replace"))
        return None
    got = {}
    for line in r.stdout.split(b"\n")[:-1]:
        path, _, value = line.rpartition(b"\t")
        got[path] = int(value)
    return got


def main():
    tool, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rng = random.Random(0xAC7)
    failures = 0
    for case in range(40):
        alphabet = b"abc" if case % 2 else bytes(range(32, 127))  # the wide case makes masks
        items = {}
        for _ in range(rng.randint(0, 300)):
            path = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            items[path] = rng.choice([rng.randint(0, 247), rng.randint(0, 1 << 20), rng.getrandbits(64)])
        data = encode(items, rng)
        assert decode(data) == items, "the script's own decoder reads its encoder"
        file = os.path.join(work, f"case{case}.act")
        with open(file, "wb") as f:
            f.write(data)
        got = dump(tool, file)
        if got is None:
            failures += 1
            print(f"case {case}: act_tool dump failed")
        elif got != items:
            failures += 1
            print(f"case {case}: act_tool read {len(got)} values, the file holds {len(items)}")
    words_file = "/usr/share/dict/words"
    if os.path.exists(words_file):
        ours = os.path.join(work, "words.act")
        subprocess.run([tool, "build", words_file, ours], check=True, capture_output=True)
        want = {}
        with open(words_file, "rb") as f:
            for i, line in enumerate(f.read().split(b"\n")[:-1], start=1):
                if line and line not in want:
                    want[line] = i
        with open(ours, "rb") as f:
            if decode(f.read()) != want:
                failures += 1
                print("our words.act does not decode to the word list")
    print("act interop:", "ok" if failures == 0 else f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
