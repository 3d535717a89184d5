"""The ceiling of the demo's conversion score: how well the generator's own conversion
probabilities rank the prospects of a generated world.

The generator draws each prospect's conversion from a probability computed from its events
(crates/generator/src/events.rs, `conversion_probability`): a demo request and pricing-page
views within 90 days, webinars attended within 180 days, the recency of the last event other
than an e-mail sent. This script recomputes that probability from the world's events file
(events without an account are attached through their contact, duplicate accounts to their
original) and prints its AUC against the planted outcomes (truth/conversions.csv): no model
of the features can expect to do better. Standard library only.

    python3 benches/conversion_ceiling.py WORLD [AS_OF]

WORLD is the folder of `cible generate` or `cible demo` (data/ and truth/), AS_OF its reference
date (default 2026-11-01).
"""

import csv
import datetime as dt
import json
import math
import random
import sys

DAY = 86_400


def probability(events):
    """The generator's conversion probability; events are (seconds from as_of, type, url)."""
    recent = lambda t, days: t >= -days * DAY
    demos = sum(1 for t, ty, _ in events if ty == "demo_request" and recent(t, 90))
    webinars = sum(1 for t, ty, _ in events if ty == "webinar_attended" and recent(t, 180))
    pricing = sum(
        1 for t, ty, url in events if ty == "page_view" and url == "/tarifs" and recent(t, 90)
    )
    ages = [(-t) // DAY for t, ty, _ in events if ty != "email_sent"]
    last = min(ages) if ages else math.inf
    recency = 1.0 if last <= 30 else 0.3 if last <= 90 else -0.5
    logit = -3.4 + 1.8 * min(demos, 1) + 0.7 * min(webinars, 2) + 0.3 * min(pricing, 5) + recency
    return 1.0 / (1.0 + math.exp(-logit))


def auc(scores, labels):
    """Area under the ROC curve, ties counted half."""
    pairs = sorted(zip(scores, labels))
    ranks, i = [0.0] * len(pairs), 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(1 for _, y in pairs if y)
    negatives = len(pairs) - positives
    rank_sum = sum(r for r, (_, y) in zip(ranks, pairs) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def mean_sd(values):
    m = sum(values) / len(values)
    return m, (sum((v - m) ** 2 for v in values) / len(values)) ** 0.5


def main():
    world = sys.argv[1]
    as_of = dt.datetime.fromisoformat(sys.argv[2] if len(sys.argv) > 2 else "2026-11-01")
    as_of = as_of.replace(tzinfo=dt.timezone.utc)
    with open(f"{world}/truth/conversions.csv", newline="") as f:
        converted = {r["account_id"]: r["converted_90d"] == "true" for r in csv.DictReader(f)}
    original = {}
    with open(f"{world}/truth/duplicate_accounts.csv", newline="") as f:
        for r in csv.DictReader(f):
            a, b = r["id_a"], r["id_b"]
            if a in converted:
                original[b] = a
            elif b in converted:
                original[a] = b
    with open(f"{world}/data/crm_contacts.csv", newline="") as f:
        account_of = {r["Contact ID"]: r["Company ID"] for r in csv.DictReader(f)}
    events = {a: [] for a in converted}
    unreadable = 0
    with open(f"{world}/data/web_events.ndjson") as f:
        for line in f:
            try:
                e = json.loads(line)
                at = dt.datetime.fromisoformat(str(e["timestamp"]).replace("Z", "+00:00"))
                t = int((at - as_of).total_seconds())
            except (ValueError, KeyError, TypeError):
                unreadable += 1  # the planted malformed values
                continue
            account = e.get("account_id") or account_of.get(e.get("contact_id") or "")
            account = original.get(account, account)
            if account in events:
                props = e.get("properties")
                url = props.get("url", "") if isinstance(props, dict) else ""
                events[account].append((t, e.get("type"), url))
    ids = list(converted)
    p = [probability(events[a]) for a in ids]
    y = [converted[a] for a in ids]
    print(f"{world}: {len(ids)} prospects, {sum(y)} converted ({unreadable} unreadable events)")
    print(f"AUC of the generator's probabilities on the planted outcomes: {auc(p, y):.4f}")
    rng = random.Random(1)
    test = max(2, int(0.15 * len(ids)))
    subsets = []
    while len(subsets) < 300:
        rows = rng.sample(range(len(ids)), test)
        labels = [y[i] for i in rows]
        if 0 < sum(labels) < len(labels):
            subsets.append(auc([p[i] for i in rows], labels))
    m, sd = mean_sd(subsets)
    print(f"... on random test sets of {test} rows (15 %): {m:.4f} ± {sd:.4f}")


if __name__ == "__main__":
    main()
