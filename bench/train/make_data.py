#!/usr/bin/python3
"""Synthetic UniversalNER conversations for the training benchmark (build-data JSON format).

Each record is one passage of 35-150 words (examples of ~130-400 tokens) followed by 3-7 (type, answer) questions, as
`uniner build-data` writes them. Deterministic for a given seed. Standard library only.

usage: make_data.py OUT.json [--n 512] [--seed 7]
"""
import argparse
import json
import random

FIRST = ["Alice", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Julia",
         "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq"]
LAST = ["Smith", "Okafor", "Li", "Novak", "Garcia", "Haddad", "Kowalski", "Tanaka", "Moreau",
        "Rossi", "Schmidt", "Ivanova", "Nguyen", "Andersen", "Costa", "Dubois", "Kaur", "Mensah"]
ORGS = ["Bayer", "Siemens", "the World Health Organization", "Acme Robotics", "Nordic Rail",
        "the University of Leeds", "Helios Energy", "Blue Harbor Capital", "the Red Cross",
        "Quantum Foods", "Atlas Motors", "the European Space Agency", "Greenfield Labs"]
PLACES = ["Leverkusen", "Nairobi", "Osaka", "Lisbon", "Quebec", "Tbilisi", "Lima", "Oslo",
          "Hanoi", "Dakar", "Krakow", "Brisbane", "Valencia", "Montevideo", "Jaipur", "Bergen"]
DRUGS = ["aspirin", "ibuprofen", "metformin", "amoxicillin", "atorvastatin", "insulin",
         "paracetamol", "warfarin", "omeprazole", "lisinopril"]
DISEASES = ["diabetes", "malaria", "asthma", "influenza", "hypertension", "tuberculosis",
            "migraine", "arthritis", "measles", "anemia"]
EVENTS = ["the Winter Summit", "the Harvest Festival", "the Open Data Forum", "the Coastal Marathon",
          "the Robotics Challenge", "the Climate Week", "the Spring Fair"]
PRODUCTS = ["Model X9 drone", "Orion laptop", "Zephyr heat pump", "Nimbus router", "Falcon bike",
            "Aurora headset", "Titan tractor"]
FILLER = ("the report said that the results were discussed at length during the meeting and "
          "several members raised questions about funding timelines risks and the next steps "
          "while others argued that more data would be needed before any decision could be made "
          "in the coming months although most agreed the early findings were encouraging").split()

TYPES = {
    "person": lambda r: f"{r.choice(FIRST)} {r.choice(LAST)}",
    "organization": lambda r: r.choice(ORGS),
    "location": lambda r: r.choice(PLACES),
    "drug": lambda r: r.choice(DRUGS),
    "disease": lambda r: r.choice(DISEASES),
    "event": lambda r: r.choice(EVENTS),
    "product": lambda r: r.choice(PRODUCTS),
}
NEGATIVES = ["programming language", "chemical element", "musical instrument", "award",
             "software", "country", "date"]


def passage(r):
    """A passage of 35-150 words with entities of 2-5 types; returns (text, {type: [mentions]})."""
    words_target = r.randint(35, 150)
    types = r.sample(sorted(TYPES), r.randint(2, 5))
    found = {t: [] for t in types}
    sentences, n_words = [], 0
    while n_words < words_target:
        t = r.choice(types)
        m = TYPES[t](r)
        if m not in found[t]:
            found[t].append(m)
        k = r.randint(6, 16)
        start = r.randrange(len(FILLER) - k)
        body = FILLER[start:start + k]
        cut = r.randrange(len(body))
        s = " ".join(body[:cut] + [m] + body[cut:])
        sentences.append(s[0].upper() + s[1:] + ".")
        n_words += len(s.split())
    return " ".join(sentences), found


def conversation(r, i):
    text, found = passage(r)
    pairs = [(t, found[t]) for t in found]
    for t in r.sample(NEGATIVES, r.randint(1, 2)):
        pairs.append((t, []))
    r.shuffle(pairs)
    conv = [{"from": "human", "value": f"Text: {text}"},
            {"from": "gpt", "value": "I've read this text."}]
    for t, answer in pairs:
        conv.append({"from": "human", "value": f"What describes {t} in the text?"})
        conv.append({"from": "gpt", "value": json.dumps(answer, ensure_ascii=False)})
    return {"id": f"bench{i}", "conversations": conv}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    r = random.Random(a.seed)
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump([conversation(r, i) for i in range(a.n)], f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
