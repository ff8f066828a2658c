#!/usr/bin/env python3
"""Independent computation of the coordinators' indicators (protocol/README.md, "Indicators").

usage: indicators_check.py DATABASE INDICATORS.json

Reads the raw rows of the event log's SQLite file (no SQL aggregation: plain Python over
`SELECT *`), computes every figure again, and compares with what the service computed
(INDICATORS.json, toJson(Indicators)). Exits 1 and prints each difference when they differ.
"""
import json
import math
import sqlite3
import sys
from collections import Counter


def nearest_rank(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(p * len(ordered) / 100) - 1]


def percentiles(values):
    return {"p50": nearest_rank(values, 50), "p90": nearest_rank(values, 90)}


def ratio(a, b):
    return None if b == 0 else a / b


def main(database, expected_path):
    expected = json.load(open(expected_path))
    period = expected["period"]
    sites = [s["site"] for s in expected["sites"]]
    wanted = set(sites)
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    events = [dict(r) for r in db.execute("SELECT * FROM events")]
    has_records = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='review_records'").fetchone()
    records = {}
    if has_records:
        records = {r["record_id"]: dict(r) for r in db.execute("SELECT * FROM review_records")}

    def in_period(e):
        return period["from_ms"] <= e["at_unix_ms"] < period["to_ms"] and e["site_code"] in wanted

    ended = [e for e in events if e["kind"] == "end" and in_period(e)]
    cancelled = [e for e in events if e["kind"] == "cancel" and in_period(e)]
    # One answer per session (the service takes one): the first, should a log hold more.
    scores = {}
    for e in sorted(events, key=lambda e: e["sequence"]):
        if e["kind"] == "satisfaction" and e["session_id"] not in scores:
            scores[e["session_id"]] = [json.loads(e["detail"])["score"]]

    def figures(site):
        mine = [e for e in ended if site == "*" or e["site_code"] == site]
        gone = [e for e in cancelled if site == "*" or e["site_code"] == site]
        answers = [s for e in mine for s in scores.get(e["session_id"], []) if 1 <= s <= 5]
        indexed = [records[e["session_id"]] for e in mine if e["session_id"] in records]
        counts = [answers.count(k) for k in range(1, 6)]
        prescriptions = sum(r["prescription_count"] for r in indexed)
        with_incidents = sum(1 for r in indexed if r["incident_count"] > 0)
        return {
            "site": site,
            "consultations": len(mine),
            "wait_ms": percentiles([e["wait_ms"] for e in mine if e["wait_ms"] is not None]),
            "duration_ms": percentiles(
                [e["duration_ms"] for e in mine if e["duration_ms"] is not None]),
            "end_reasons": dict(Counter(e["reason"] for e in mine)),
            "satisfaction": {
                "answers": len(answers),
                "counts": counts,
                "mean": ratio(sum(answers), len(answers)),
            },
            "records_indexed": len(indexed),
            "records_with_incidents": with_incidents,
            "incident_share": ratio(with_incidents, len(indexed)),
            "orientations": dict(Counter(r["orientation"] for r in indexed)),
            "prescriptions": prescriptions,
            "prescriptions_per_consultation": ratio(prescriptions, len(indexed)),
            "cancelled_before_claim": {
                "count": len(gone),
                "wait_ms": percentiles([e["wait_ms"] for e in gone if e["wait_ms"] is not None]),
                "reasons": dict(Counter(e["reason"] for e in gone)),
            },
        }

    differences = []

    def compare(path, mine, theirs):
        if isinstance(mine, dict) and isinstance(theirs, dict):
            for key in sorted(set(mine) | set(theirs)):
                compare(f"{path}.{key}", mine.get(key), theirs.get(key))
        elif isinstance(mine, float) or isinstance(theirs, float):
            if mine is None or theirs is None or abs(mine - theirs) > 1e-9:
                differences.append(f"{path}: independent {mine!r}, service {theirs!r}")
        elif mine != theirs:
            differences.append(f"{path}: independent {mine!r}, service {theirs!r}")

    for index, site in enumerate(sites):
        compare(f"sites[{site}]", figures(site), expected["sites"][index])
    compare("all", figures("*"), expected["all"])
    if len(ended) == 0:
        differences.append("the seeded period holds no consultation: nothing was checked")
    for line in differences:
        print(line)
    print(f"checked {len(sites)} sites, {len(ended)} consultations, {len(cancelled)} cancellations,"
          f" {len(differences)} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
