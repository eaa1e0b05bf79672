#!/usr/bin/env python3
"""Turns the benchmark JSON files into Markdown tables and gnuplot charts.

Usage: bench/report.py <results dir> <output dir>

Reads (each optional) from <results dir>:
  peers.json          -> <output dir>/peers.md, peers.png (bench/peers.gp: time per key) and
                         peers_memory.png (bench/peers_memory.gp: bytes per key)
  path_map.json       -> <output dir>/path_map.md (the trie core against its targets)
  parallel_copy*.json -> <output dir>/parallel_copy.png (bench/parallel_copy.gp): wall time
                         of every benchmark family named .../threads:<T> against T

Benchmark names are <suite>/<workload>/<structure>/<phase>[/...Google Benchmark suffixes].
Every value is the median over the repetitions (the `median` aggregate, or the median of the
plain runs when there are no aggregates). Times are thread CPU time (see bench/harness.hpp).
Only the Python standard library is used; gnuplot is optional (no charts without it).
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys

PHASES = ["insert", "lookup_seq", "lookup_shuffled", "iterate"]
PHASE_TITLES = {
    "insert": "insert",
    "lookup_seq": "lookup (insert order)",
    "lookup_shuffled": "lookup (shuffled)",
    "iterate": "ordered iteration",
}
WORKLOAD_TITLES = {
    "dense_1M": "1M dense keys (8-byte big-endian i)",
    "random16_1M": "1M random 16-byte keys",
    "words": "words (/usr/share/dict/words)",
    "dense_10M": "10M dense keys",
}
STRUCTURE_ORDER = ["path_map", "path_map_compact", "std_map", "absl_btree", "absl_flat_hash", "JudyL", "JudyHS",
                   "JudySL", "hat_trie"]

# Targets for the trie core (ns per key, bytes per key, ns per copy).
TARGETS = {
    ("dense_1M", "insert"): 60,
    ("dense_1M", "lookup_shuffled"): 70,
    ("dense_1M", "iterate"): 6,
    ("dense_1M", "bytes"): 16,
    ("random16_1M", "insert"): 400,
    ("random16_1M", "lookup_shuffled"): 250,
    ("words", "bytes"): 17,
    ("dense_1M", "copy"): 1000,
}


def split_name(run_name):
    """(suite, workload, structure, phase) from a run name, or None."""
    parts = []
    for p in run_name.split("/"):
        if ":" in p or p in ("manual_time", "real_time"):
            break
        parts.append(p)
    if len(parts) < 4:
        return None
    return tuple(parts[:4])


def load(path):
    """{(workload, structure, phase): {counter: median}}, context, and the per-entry CVs."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    runs = {}  # key -> list of plain runs
    medians = {}  # key -> median aggregate entry
    cvs = {}
    errors = {}
    for b in doc.get("benchmarks", []):
        key = split_name(b.get("run_name", b.get("name", "")))
        if key is None:
            continue
        key = key[1:]
        if b.get("error_occurred"):
            errors[key] = b.get("error_message", "error")
            continue
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[key] = b
            elif b.get("aggregate_name") == "cv":
                cvs[key] = b
        else:
            runs.setdefault(key, []).append(b)
    out = {}
    for key in set(runs) | set(medians):
        if key in medians:
            entry = medians[key]
            out[key] = {k: v for k, v in entry.items() if isinstance(v, (int, float))}
        else:
            fields = {}
            for k in runs[key][0]:
                vals = [r[k] for r in runs[key] if isinstance(r.get(k), (int, float))]
                if vals and not isinstance(vals[0], bool):
                    fields[k] = statistics.median(vals)
            out[key] = fields
    for key, msg in errors.items():
        out.setdefault(key, {})["error"] = msg
    return out, doc.get("context", {}), cvs


GB_FIELDS = {"family_index", "per_family_instance_index", "repetitions", "repetition_index",
             "threads", "iterations", "real_time", "cpu_time"}


def load_rounds(path):
    """{workload: {structure: median ns per key}} from the `<suite>/<workload>/lookup_rounds`
    runs (bm_lookup_rounds: one counter per structure)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = {}
    for b in doc.get("benchmarks", []):
        parts = b.get("run_name", b.get("name", "")).split("/")
        if len(parts) < 3 or parts[2] != "lookup_rounds" or b.get("error_occurred"):
            continue
        out[parts[1]] = {k: v for k, v in b.items()
                         if isinstance(v, (int, float)) and not isinstance(v, bool)
                         and k not in GB_FIELDS}
    return out


def rounds_markdown(rounds):
    if not rounds:
        return []
    lines = ["## Shuffled lookups in alternating rounds", "",
             "`peers/<workload>/lookup_rounds`: every round looks each structure up once in "
             "shuffled order, so that all of them share the same stretch of a busy machine; "
             "medians of the rounds, thread CPU ns per key.", ""]
    found = {s for r in rounds.values() for s in r}
    names = ([s for s in STRUCTURE_ORDER if s in found]
             + sorted(s for s in found if s not in STRUCTURE_ORDER))
    lines.append("| workload | " + " | ".join(f"`{s}`" for s in names) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * len(names)) + "|")
    for w, r in rounds.items():
        lines.append("| " + " | ".join([WORKLOAD_TITLES.get(w, w)]
                                       + [fmt_ns(r.get(s)) for s in names]) + " |")
    lines.append("")
    return lines


def fmt_ns(v):
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def fmt_time(ns):
    """A whole-operation time with a unit."""
    if ns is None:
        return "–"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_bytes(v):
    return "–" if v is None else f"{v:.1f}"


def structures_of(data, workload):
    present = {s for (w, s, _) in data if w == workload}
    ordered = [s for s in STRUCTURE_ORDER if s in present]
    return ordered + sorted(present - set(ordered))


def workloads_of(data):
    present = {w for (w, _, _) in data}
    ordered = [w for w in WORKLOAD_TITLES if w in present]
    return ordered + sorted(present - set(ordered))


def value(data, workload, structure, phase, counter):
    entry = data.get((workload, structure, phase))
    if entry is None or "error" in entry:
        return None
    return entry.get(counter)


def context_lines(context):
    lines = []
    if context:
        cpus = context.get("num_cpus", "?")
        mhz = context.get("mhz_per_cpu", "?")
        lines.append(f"- machine: {cpus} CPUs at {mhz} MHz, {context.get('host_name', '?')}; "
                     f"allocator: {context.get('allocator', '?')}; bytes from "
                     f"{context.get('allocated_bytes_source', '?')}")
        lines.append(f"- run: {context.get('date', '?')}, {context.get('executable', '?')}")
    return lines


def noisy_note(cvs):
    noisy = sorted((k, b.get("ns_per_key", b.get("ns_per_copy")))
                   for k, b in cvs.items()
                   if isinstance(b.get("ns_per_key", b.get("ns_per_copy")), (int, float))
                   and b.get("ns_per_key", b.get("ns_per_copy")) > 0.10)
    if not noisy:
        return ["- every median's coefficient of variation over the repetitions is at most 10%"]
    items = ", ".join(f"{'/'.join(k)} ({cv * 100:.0f}%)" for k, cv in noisy)
    return [f"- coefficient of variation above 10%: {items}"]


def peers_markdown(data, context, cvs, rounds=None):
    lines = ["# Head to head: path_map and its peers", "",
             "Generated by `bench/report.py` from `build/bench/results/peers.json` "
             "(`scripts/dev bench`). Medians over the repetitions; times are thread CPU "
             "nanoseconds per key (lower is better), memory is the allocator's allocated-bytes "
             "growth while inserting, per key; copy is the time to copy the whole structure. "
             "`–`: the structure has no such operation (unordered: no iteration; Judy and "
             "HAT-trie: no copy) or does not take these keys.", ""]
    lines += context_lines(context)
    lines += noisy_note(cvs)
    lines.append("")
    for w in workloads_of(data):
        lines.append(f"## {WORKLOAD_TITLES.get(w, w)}")
        lines.append("")
        head = (["structure"] + [PHASE_TITLES[p] + " ns/key" for p in PHASES]
                + ["bytes/key", "copy"])
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for s in structures_of(data, w):
            row = [f"`{s}`"]
            for p in PHASES:
                row.append(fmt_ns(value(data, w, s, p, "ns_per_key")))
            row.append(fmt_bytes(value(data, w, s, "insert", "bytes_per_key")))
            row.append(fmt_time(value(data, w, s, "copy", "ns_per_copy")))
            lines.append("| " + " | ".join(row) + " |")
        cw = value(data, w, "path_map", "copy_write", "ns_per_copy")
        if cw is not None:
            lines.append("")
            lines.append(f"`path_map` copy followed by one write to the copy (copy-on-write of "
                         f"one path): {fmt_time(cw)}.")
        lines.append("")
    lines += rounds_markdown(rounds or {})
    return "\n".join(lines)


def path_map_markdown(data, context, cvs):
    lines = ["# Trie core: path_map against std::map and the targets", "",
             "Generated by `bench/report.py` from `build/bench/results/path_map.json` "
             "(`scripts/dev bench`). Medians; thread CPU ns per key; bytes per key from the "
             "allocator's statistics.", ""]
    lines += context_lines(context)
    lines += noisy_note(cvs)
    lines.append("")
    lines.append("| workload | measure | path_map | path_map_compact | std_map | "
                 "path_map / std_map | target | met |")
    lines.append("|---|---|---:|---:|---:|---:|---:|:---:|")
    rows = []
    for w in workloads_of(data):
        for p in PHASES:
            rows.append((w, p, "ns_per_key", PHASE_TITLES[p] + " (ns/key)", fmt_ns))
        rows.append((w, "insert", "bytes_per_key", "memory (bytes/key)", fmt_bytes))
        rows.append((w, "copy", "ns_per_copy", "copy (whole map)", fmt_time))
        rows.append((w, "copy_write", "ns_per_copy", "copy + one write", fmt_time))
    for w, p, counter, title, fmt in rows:
        a = value(data, w, "path_map", p, counter)
        c = value(data, w, "path_map_compact", p, counter)
        b = value(data, w, "std_map", p, counter)
        if a is None and b is None and c is None:
            continue
        tkey = (w, "bytes") if counter == "bytes_per_key" else (w, p)
        target = TARGETS.get(tkey)
        ratio = f"{a / b:.2f}" if a is not None and b else "–"
        if target is None or (a is None and c is None):
            met = "–"
        elif a is not None and a <= target:
            met = "yes"
        elif c is not None and c <= target:
            met = "after `compact()`"
        else:
            met = "**no**"
        tstr = "–" if target is None else (fmt_time(target) if p == "copy" else str(target))
        lines.append(f"| {WORKLOAD_TITLES.get(w, w)} | {title} | {fmt(a)} | {fmt(c)} | {fmt(b)} | "
                     f"{ratio} | {tstr} | {met} |")
    lines.append("")
    return "\n".join(lines)


def write_peers_data(data, tmp):
    """One whitespace-separated file per workload (rows: phases, columns: structures). Every
    file has the same columns, so a structure keeps its colour in every panel."""
    files = []
    present = {s for (_, s, _) in data}
    structs = [s for s in STRUCTURE_ORDER if s in present] + sorted(present - set(STRUCTURE_ORDER))
    for w in workloads_of(data):
        path = os.path.join(tmp, f"peers_{w}.dat")
        with open(path, "w", encoding="utf-8") as f:
            f.write("phase " + " ".join(structs) + "\n")
            for p in PHASES:
                vals = [value(data, w, s, p, "ns_per_key") for s in structs]
                label = PHASE_TITLES[p].replace(" ", "\\n", 1) if p != "insert" else "insert"
                f.write(f'"{label}" ' + " ".join("-" if v is None else f"{v:.4g}" for v in vals)
                        + "\n")
        files.append((w, path, len(structs)))
    return files


def write_memory_data(data, tmp):
    """<tmp>/peers_memory.dat: one row per workload, one column per structure (bytes/key)."""
    present = {s for (_, s, _) in data}
    structs = [s for s in STRUCTURE_ORDER if s in present] + sorted(present - set(STRUCTURE_ORDER))
    path = os.path.join(tmp, "peers_memory.dat")
    with open(path, "w", encoding="utf-8") as f:
        f.write("workload " + " ".join(structs) + "\n")
        for w in workloads_of(data):
            vals = [value(data, w, s, "insert", "bytes_per_key") for s in structs]
            title = WORKLOAD_TITLES.get(w, w).split(" (")[0]
            f.write(f'"{title}" ' + " ".join("-" if v is None else f"{v:.4g}" for v in vals)
                    + "\n")
    return path, len(structs)


def run_gnuplot(script, variables):
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        print("report.py: gnuplot not found: no chart", file=sys.stderr)
        return False
    args = [gnuplot]
    for k, v in variables.items():
        args += ["-e", f"{k}='{v}'"]
    args.append(script)
    res = subprocess.run(args, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        print(f"report.py: gnuplot failed:\n{res.stderr}", file=sys.stderr)
        return False
    return True


def parallel_copy_data(paths, tmp):
    """Data for the parallel-copy chart from its JSON files: one panel per problem size (the
    `elements:N` part of a name, when there is one), in it one line per benchmark family (the
    name without its size and /threads:T parts): `threads milliseconds` (median wall time).
    When the benchmarks report `worker_cpu_max_ms` (CPU time of the busiest copying thread,
    the honest measure on a shared machine), each size gets a second panel with it. Only
    benchmarks whose name has a /threads:T part are drawn. Returns [(title, file, lines)]."""
    groups = {}  # (size, measure) -> family -> threads -> ms
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for b in doc.get("benchmarks", []):
            if b.get("error_occurred"):
                continue
            if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
                continue
            name = b.get("run_name", b.get("name", ""))
            m = re.search(r"/threads:(\d+)", name)
            if not m:
                continue
            size = re.search(r"/(elements|keys|values|n):(\d+)", name)
            family = re.sub(r"/threads:\d+|/(elements|keys|values|n):\d+", "", name)
            family = re.sub(r"/(iterations|repeats|min_time):[^/]*|/(manual|real)_time", "",
                            family)
            unit = b.get("time_unit", "ns")
            scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}.get(unit, 1.0)
            threads = int(m.group(1))
            measures = [("wall time", b.get("real_time", 0) * scale)]
            if isinstance(b.get("worker_cpu_max_ms"), (int, float)):
                measures.append(("CPU time of the busiest thread", b["worker_cpu_max_ms"]))
            for measure, ms in measures:
                key = (int(size.group(2)) if size else -1,
                       f"{size.group(1)}: {int(size.group(2)):,}" if size else "all", measure)
                pts = groups.setdefault(key, {}).setdefault(family, {})
                if b.get("run_type") == "aggregate" or threads not in pts:
                    pts[threads] = ms
    out = []
    for i, key in enumerate(sorted(groups), 1):
        _, size_title, measure = key
        path = os.path.join(tmp, f"parallel_copy_{i}.dat")
        with open(path, "w", encoding="utf-8") as f:
            for fam, pts in sorted(groups[key].items()):
                f.write(f'"{fam}"\n')
                for t in sorted(pts):
                    f.write(f"{t} {pts[t]:.6g}\n")
                f.write("\n\n")
        out.append((f"{size_title}, {measure}", path, len(groups[key])))
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    results, outdir = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    os.makedirs(outdir, exist_ok=True)
    made = []

    peers_json = os.path.join(results, "peers.json")
    if os.path.exists(peers_json):
        data, context, cvs = load(peers_json)
        md = os.path.join(outdir, "peers.md")
        with open(md, "w", encoding="utf-8") as f:
            f.write(peers_markdown(data, context, cvs, load_rounds(peers_json)))
        made.append(md)
        files = write_peers_data(data, results)
        png = os.path.join(outdir, "peers.png")
        variables = {"out": png, "files": " ".join(f[1] for f in files),
                     "ncols": str(files[0][2] + 1) if files else "1"}
        for i, (w, _, _) in enumerate(files, 1):
            variables[f"title{i}"] = WORKLOAD_TITLES.get(w, w)
        if files and run_gnuplot(os.path.join(here, "peers.gp"), variables):
            made.append(png)
        mem, ncols = write_memory_data(data, results)
        png = os.path.join(outdir, "peers_memory.png")
        if run_gnuplot(os.path.join(here, "peers_memory.gp"),
                       {"out": png, "file": mem, "ncols": str(ncols + 1)}):
            made.append(png)

    pm_json = os.path.join(results, "path_map.json")
    if os.path.exists(pm_json):
        data, context, cvs = load(pm_json)
        md = os.path.join(outdir, "path_map.md")
        with open(md, "w", encoding="utf-8") as f:
            f.write(path_map_markdown(data, context, cvs))
        made.append(md)

    # Hook for the parallel-copy benchmark (bench/parallel_copy.bench.cpp, other work): drawn
    # whenever its JSON exists.
    # From the results directory or the copy kept in the output directory, whichever is newer.
    pc_json, newest = [], -1.0
    for d in (results, outdir):
        found = sorted(os.path.join(d, f) for f in os.listdir(d)
                       if f.startswith("parallel_copy") and f.endswith(".json"))
        mtime = max((os.path.getmtime(f) for f in found), default=-1.0)
        if found and mtime > newest:
            pc_json, newest = found, mtime
    if pc_json:
        panels = parallel_copy_data(pc_json, results)
        png = os.path.join(outdir, "parallel_copy.png")
        variables = {"out": png, "files": " ".join(p for _, p, _ in panels)}
        for i, (title, _, lines) in enumerate(panels, 1):
            variables[f"title{i}"] = title
            variables[f"lines{i}"] = str(lines)
        if panels and run_gnuplot(os.path.join(here, "parallel_copy.gp"), variables):
            made.append(png)

    for m in made:
        print(f"report.py: wrote {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
