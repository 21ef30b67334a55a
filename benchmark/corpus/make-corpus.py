#!/usr/bin/env python3
"""Generates the benchmark's telephony corpus: seeded agent/customer calls spoken by espeak-ng, encoded by sox.

Every call is a turn-taking dialogue from a call-center vocabulary, 1 to 6 minutes long, with silences between
turns and, in some calls, abusive turns built from the moderation lexicon's English terms (so they get flagged).
Formats, as PBXs record them: 8 kHz stereo G.711 mu-law (most calls) and A-law, agent on the left channel and
customer on the right; some 16 kHz 16-bit stereo (wideband) and some 16 kHz mono (both speakers on one channel).

Usage (from the repository root; needs the Debian packages espeak-ng and sox):
    benchmark/corpus/make-corpus.py [--out benchmark/target/corpus] [--calls 50] [--seed 17] [--jobs N]

The same seed and call count give the same calls (sentences, voices, timings; sox runs without dither). A folder
whose manifest.json matches the seed, the count and this script is left as it is; calls whose plan did not change
are kept when another count is asked for. manifest.json and manifest.csv list every call: file, format, duration,
turns per channel, abusive turns and their text.
"""
import argparse
import array
import concurrent.futures
import csv
import hashlib
import json
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LEXICON = os.path.join(REPO, "moderation-stream", "src", "main", "resources", "lexicon", "en.tsv")

# espeak-ng's own English voices (no mbrola) and its standard variants: different timbres, accents and sexes
VOICES = ["en-us", "en-gb", "en-gb-x-rp", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"]

# (encoding for sox, bits, rate, channels, label) and how many calls in ten get each
FORMATS = [
    ("mu-law", 8, 8000, 2, "mulaw-8k-stereo"),
    ("mu-law", 8, 8000, 2, "mulaw-8k-stereo"),
    ("mu-law", 8, 8000, 2, "mulaw-8k-stereo"),
    ("mu-law", 8, 8000, 2, "mulaw-8k-stereo"),
    ("mu-law", 8, 8000, 2, "mulaw-8k-stereo"),
    ("a-law", 8, 8000, 2, "alaw-8k-stereo"),
    ("a-law", 8, 8000, 2, "alaw-8k-stereo"),
    ("signed-integer", 16, 16000, 2, "pcm16-16k-stereo"),
    ("mu-law", 8, 8000, 2, "mulaw-8k-stereo"),
    ("signed-integer", 16, 16000, 1, "pcm16-16k-mono"),
]

NAMES = ["Anna", "David", "Maria", "James", "Linda", "Robert", "Susan", "Michael", "Karen", "Thomas", "Nancy",
         "Daniel", "Lisa", "Paul", "Emily", "Mark", "Sarah", "Peter", "Laura", "Kevin"]
COMPANIES = ["Blue River Telecom", "North Star Energy", "City Bank", "Green Valley Insurance", "Sunrise Internet",
             "Metro Water", "Bright Mobile", "Union Gas"]
PRODUCTS = ["internet plan", "mobile contract", "credit card", "home insurance", "electricity bill",
            "water service", "television package", "savings account", "phone line", "data plan"]
PROBLEMS = ["the connection keeps dropping", "I was charged twice", "my card was declined",
            "the router does not turn on", "my bill is much higher than usual", "I never received the refund",
            "the technician did not come", "I cannot log in to my account", "the signal is very weak at home",
            "my payment was not recorded", "the delivery is two weeks late", "the meter reading is wrong"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

AGENT = [
    "Good {part}, thank you for calling {company}, my name is {name}, how can I help you today?",
    "Can I have your account number please?",
    "Could you confirm your date of birth for me?",
    "Thank you, I can see your {product} here.",
    "I am sorry to hear that {problem}.",
    "Let me check that for you, it will take a moment.",
    "Please stay on the line while I look at your account.",
    "I can see a payment of {amount} dollars on {day} the {ordinal} of {month}.",
    "I have opened a ticket for you, the reference is {digits}.",
    "A technician can visit you on {day} between nine and twelve.",
    "I have applied a credit of {amount} dollars to your next bill.",
    "Is there anything else I can help you with today?",
    "I understand your frustration and I will do my best to fix this.",
    "Your {product} will be reset within the next hour.",
    "I will send you a confirmation by email and text message.",
    "Can you restart the device and tell me what the light shows?",
    "The refund was sent on {day}, it can take five working days.",
    "I can transfer you to my supervisor if you prefer.",
    "For security reasons I need to ask you a few questions.",
    "Thank you for your patience, have a nice {part}.",
    "I can offer you a discount of {percent} percent for six months.",
    "The outage in your area should be fixed by {day} evening.",
    "Please note that this call may be recorded for quality purposes.",
    "I have updated your address and your phone number.",
]
CUSTOMER = [
    "Hello, I am calling about my {product}.",
    "Yes, my account number is {digits}.",
    "I was born on the {ordinal} of {month}.",
    "The problem is that {problem}.",
    "This is the third time I am calling about this.",
    "I paid {amount} dollars last month and I still have no service.",
    "Can you tell me when this will be fixed?",
    "I would like to cancel my {product} please.",
    "Okay, I will wait, thank you.",
    "The light is blinking red, it was green yesterday.",
    "Can I get a refund for the days without service?",
    "My name is {name} and I live on {street} street.",
    "I need this fixed before {day}, I work from home.",
    "Yes, you can send it to my email address.",
    "No, that is all, thank you for your help.",
    "Why was I charged {amount} dollars for nothing?",
    "I have been waiting on hold for {minutes} minutes.",
    "Alright, {day} morning works for me.",
    "Could you repeat the reference number please?",
    "I do not understand why my bill changed.",
    "That sounds good, thank you very much.",
    "Please put a note on my account that I called today.",
]
STREETS = ["Oak", "Maple", "Pine", "Cedar", "Elm", "Hill", "Lake", "Park", "River", "Station"]

# abusive turns: templates whose slot takes a lexicon term of that category and flag ("target": a word aimed at
# the listener; "victim": a verb of violence with the listener as its object; "-": a phrase that stands alone)
ABUSE_TEMPLATES = {
    ("INSULT", "target"): ["You are so {term}, just fix it.", "Listen to me, you {term} clown.",
                           "You are completely {term}, put me through to someone else."],
    ("INSULT", "-"): ["You are a {term}, do you know that?", "Shut up, you {term}."],
    ("PROFANITY", "-"): ["This is {term}, I have waited for an hour.", "What the {term} is wrong with you people?"],
    ("VIOLENCE_OR_THREAT", "victim"): ["If this is not fixed I will {term} you.", "I swear I will {term} you."],
    ("VIOLENCE_OR_THREAT", "-"): ["Be careful, {term}.", "{term}, do you hear me?"],
}
# words the small English model knows and says clearly when espeak-ng reads them: the abusive turns must be heard
HEARD = {"stupid", "idiot", "moron", "useless", "pathetic", "worthless", "loser", "dumb", "incompetent", "bastard",
         "jerk", "shit", "bullshit", "damn", "crap", "hell", "kill", "shoot", "punch", "stab", "murder",
         "i will hurt you", "i know where you live", "i will find you", "you are dead", "beat you up"}


def lexicon_terms():
    """Lexicon terms by (category, flag), restricted to the ones the model hears; fails if the lexicon moved."""
    terms = {}
    with open(LEXICON, encoding="utf-8") as lexicon:
        for line in lexicon:
            if line.startswith("#") or not line.strip():
                continue
            term, category, _severity, flags = line.rstrip("\n").split("\t")[:4]
            flag = "target" if "target" in flags else "victim" if "victim" in flags else "-"
            if term in HEARD and (category, flag) in ABUSE_TEMPLATES:
                terms.setdefault((category, flag), []).append(term)
    if len(terms) < 3:
        sys.exit("make-corpus: found only " + str(terms) + " in " + LEXICON + "; update HEARD to the lexicon's terms")
    return terms


def fill(template, rnd):
    ordinals = ["first", "second", "third", "fourth", "fifth", "tenth", "twelfth", "twentieth"]
    return template.format(
        part=rnd.choice(["morning", "afternoon", "evening"]), company=rnd.choice(COMPANIES),
        name=rnd.choice(NAMES), product=rnd.choice(PRODUCTS), problem=rnd.choice(PROBLEMS),
        amount=rnd.choice(["twenty", "forty five", "sixty", "ninety nine", "one hundred", "two hundred"]),
        day=rnd.choice(DAYS), ordinal=rnd.choice(ordinals), month=rnd.choice(MONTHS),
        digits=" ".join(rnd.choice(DIGITS) for _ in range(rnd.randint(4, 7))),
        percent=rnd.choice(["ten", "fifteen", "twenty", "twenty five"]), street=rnd.choice(STREETS),
        minutes=rnd.choice(["ten", "twenty", "thirty", "forty"]))


def speaker(rnd):
    return {"voice": rnd.choice(VOICES) + "+" + rnd.choice(VARIANTS), "speed": rnd.randint(135, 185),
            "pitch": rnd.randint(30, 70)}


def plan_call(seed, index, terms):
    """The whole call as data: its format, voices, turns (who, sentences, pause before) and target length."""
    rnd = random.Random(seed * 100_003 + index)
    encoding, bits, rate, channels, label = FORMATS[index % len(FORMATS)]
    target = rnd.uniform(60, 345)
    abusive_calls = index % 3 == 1  # a third of the calls carry abuse
    abusive_turns = rnd.randint(1, 3) if abusive_calls else 0
    agent, customer = speaker(rnd), speaker(rnd)
    turns = []
    # about 4 s per sentence plus pauses: enough turns to reach the target, abuse placed among the customer's
    estimated_turns = max(6, int(target / 7))
    abuse_at = set(rnd.sample(range(2, estimated_turns, 2), min(abusive_turns, len(range(2, estimated_turns, 2))))) \
        if abusive_turns else set()
    for turn in range(estimated_turns * 2):
        who = "agent" if turn % 2 == 0 else "customer"
        if who == "customer" and turn - 1 in abuse_at:
            category_flag = rnd.choice(sorted(terms))
            text = rnd.choice(ABUSE_TEMPLATES[category_flag]).format(term=rnd.choice(sorted(terms[category_flag])))
            sentences, abusive = [text[0].upper() + text[1:]], True
        else:
            pool = AGENT if who == "agent" else CUSTOMER
            sentences, abusive = [fill(rnd.choice(pool), rnd) for _ in range(rnd.randint(1, 3))], False
        turns.append({"speaker": who, "sentences": sentences, "abusive": abusive,
                      "pauseBefore": round(rnd.uniform(0.4, 2.0), 2),
                      "gaps": [round(rnd.uniform(0.15, 0.5), 2) for _ in sentences[1:]]})
    return {"index": index, "seed": seed, "file": "call-%03d-%s.wav" % (index, label), "format": label,
            "encoding": encoding, "bits": bits, "sampleRate": rate, "channels": channels,
            "targetSeconds": round(target, 1), "agent": agent, "customer": customer, "turns": turns}


ESPEAK_RATE = 22050  # espeak-ng's own output rate: tracks are built at it and converted once per call


def synthesize(turn, voice):
    """One turn as 16-bit mono samples at espeak-ng's rate: one process, its sentences apart by SSML breaks."""
    parts = [xml_escape(turn["sentences"][0])]
    for gap, text in zip(turn["gaps"], turn["sentences"][1:]):
        parts.append("<break time='%dms'/>%s" % (gap * 1000, xml_escape(text)))
    wav = subprocess.run(["espeak-ng", "-m", "-v", voice["voice"], "-s", str(voice["speed"]), "-p",
                          str(voice["pitch"]), "--stdout", "<speak>" + "".join(parts) + "</speak>"],
                         check=True, capture_output=True).stdout
    data = wav.index(b"data") + 8  # a streamed header: its sizes are placeholders, the samples run to the end
    samples = array.array("h")
    samples.frombytes(wav[data:len(wav) - (len(wav) - data) % 2])
    if sys.byteorder != "little":
        samples.byteswap()
    return samples


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_call(plan, out_dir):
    """Speaks the plan turn by turn into one track per speaker, stops at the target length, encodes the WAV."""
    rate = ESPEAK_RATE
    tracks = {"agent": array.array("h"), "customer": array.array("h")}
    counts = {"agent": 0, "customer": 0}
    abusive = []
    limit = int(360 * rate)  # 6 minutes at most, whatever the sentences add up to
    for turn in plan["turns"]:
        length = len(tracks["agent"])
        if length >= plan["targetSeconds"] * rate:
            break
        speech = array.array("h", bytes(2 * int(turn["pauseBefore"] * rate)))
        speech.extend(synthesize(turn, plan[turn["speaker"]]))
        if length + len(speech) > limit - 2 * rate:
            break
        other = "customer" if turn["speaker"] == "agent" else "agent"
        tracks[turn["speaker"]].extend(speech)
        tracks[other].extend(array.array("h", bytes(2 * len(speech))))  # the other side listens in silence
        counts[turn["speaker"]] += 1
        if turn["abusive"]:
            abusive.append({"speaker": turn["speaker"], "startSeconds": round(length / rate, 2),
                            "text": " ".join(turn["sentences"])})
    tail = array.array("h", bytes(2 * rate))  # a second of silence so the last utterance ends before the call does
    for track in tracks.values():
        track.extend(tail)
    frames = len(tracks["agent"])
    if plan["channels"] == 2:
        pcm = array.array("h", bytes(4 * frames))
        pcm[0::2] = tracks["agent"]
        pcm[1::2] = tracks["customer"]
    else:
        pcm = array.array("h", (a + c for a, c in zip(tracks["agent"], tracks["customer"])))
    if sys.byteorder != "little":
        pcm.byteswap()
    path = os.path.join(out_dir, plan["file"])
    effects = ["sinc", "200-3400"] if plan["sampleRate"] == 8000 else []  # the telephone band, as a PSTN line passes it
    # -D: no dither, so the same plan always gives the same bytes
    subprocess.run(["sox", "-D", "-t", "raw", "-r", str(rate), "-e", "signed-integer", "-b", "16",
                    "-c", str(plan["channels"]), "-", "-t", "wav", "-r", str(plan["sampleRate"]),
                    "-e", plan["encoding"], "-b", str(plan["bits"]), path + ".part"] + effects,
                   input=pcm.tobytes(), check=True, capture_output=True)
    os.replace(path + ".part", path)
    channel_turns = [counts["agent"], counts["customer"]] if plan["channels"] == 2 \
        else [counts["agent"] + counts["customer"]]
    return {"file": plan["file"], "format": plan["format"], "encoding": plan["encoding"],
            "sampleRate": plan["sampleRate"], "channels": plan["channels"],
            "channelRoles": ["agent", "customer"] if plan["channels"] == 2 else ["mono"],
            "durationSeconds": round(frames / rate, 2), "turnsPerChannel": channel_turns,
            "abusiveTurns": len(abusive), "abuse": abusive, "planHash": plan_hash(plan),
            "agentVoice": plan["agent"], "customerVoice": plan["customer"]}


def plan_hash(plan):
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode() + script_hash().encode()).hexdigest()[:16]


def script_hash():
    with open(os.path.abspath(__file__), "rb") as script, open(LEXICON, "rb") as lexicon:
        return hashlib.sha256(script.read() + lexicon.read()).hexdigest()[:16]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "benchmark", "target", "corpus"))
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--jobs", type=int, default=4 * (os.cpu_count() or 1))
    args = parser.parse_args()
    if args.calls < 1:
        sys.exit("make-corpus: --calls " + str(args.calls) + " must be at least 1, e.g. --calls 50")
    for tool in ("espeak-ng", "sox"):
        if subprocess.run(["sh", "-c", "command -v " + tool], capture_output=True).returncode != 0:
            sys.exit("make-corpus: " + tool + " is missing; install it: apt-get update && apt-get install -y "
                     "espeak-ng sox")
    os.makedirs(args.out, exist_ok=True)
    manifest_path = os.path.join(args.out, "manifest.json")
    old = {}
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            previous = json.load(f)
        if previous.get("seed") == args.seed and previous.get("generator") == script_hash() \
                and len(previous["calls"]) == args.calls \
                and all(os.path.exists(os.path.join(args.out, c["file"])) for c in previous["calls"]):
            print("make-corpus: " + args.out + " already holds seed " + str(args.seed) + ", " + str(args.calls)
                  + " calls; nothing to do")
            return
        old = {c["file"]: c for c in previous.get("calls", [])}
    started = time.time()
    terms = lexicon_terms()
    plans = [plan_call(args.seed, i, terms) for i in range(args.calls)]
    calls = [None] * len(plans)
    todo = []
    for i, plan in enumerate(plans):
        kept = old.get(plan["file"])
        if kept and kept.get("planHash") == plan_hash(plan) and os.path.exists(os.path.join(args.out, plan["file"])):
            calls[i] = kept
        else:
            todo.append(i)
    # each call runs its espeak-ng processes one after another, and most of their time is start-up and waiting: four per core
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for i, call in zip(todo, pool.map(lambda i: make_call(plans[i], args.out), todo)):
            calls[i] = call
    wanted = {c["file"] for c in calls}
    for name in os.listdir(args.out):
        if name.startswith("call-") and name.endswith(".wav") and name not in wanted:
            os.remove(os.path.join(args.out, name))  # a call of an older plan
    seconds = time.time() - started
    manifest = {"seed": args.seed, "generator": script_hash(), "command": " ".join(["benchmark/corpus/make-corpus.py"]
                + sys.argv[1:]), "generatedInSeconds": round(seconds, 1), "calls": calls}
    with open(manifest_path + ".part", "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
    os.replace(manifest_path + ".part", manifest_path)
    with open(os.path.join(args.out, "manifest.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "format", "sampleRate", "channels", "durationSeconds", "turnsPerChannel",
                         "abusiveTurns"])
        for c in calls:
            writer.writerow([c["file"], c["format"], c["sampleRate"], c["channels"], c["durationSeconds"],
                             "/".join(map(str, c["turnsPerChannel"])), c["abusiveTurns"]])
    total = sum(c["durationSeconds"] for c in calls)
    print("make-corpus: %d calls (%d made, %d kept), %.1f min of calls, %d abusive turns, in %.1f s with %d jobs: %s"
          % (len(calls), len(todo), len(calls) - len(todo), total / 60, sum(c["abusiveTurns"] for c in calls),
             seconds, args.jobs, args.out))


if __name__ == "__main__":
    main()
