#!/usr/bin/env bash
# Regenerates the speech fixtures: espeak-ng synthesizes, sox converts to 16 kHz PCM16 mono (the model's format).
# Needs the Debian packages espeak-ng and sox. Run from anywhere: ./make-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

speak() { # file, sentence[, words per minute]: 16 kHz mono PCM16 speech with no padding
  espeak-ng -v en-us -s "${3:-150}" -w "$tmp/raw.wav" "$2"
  sox "$tmp/raw.wav" -r 16000 -c 1 -b 16 -e signed-integer "$1"
}

# one utterance, with trailing silence so the recognizer sees it end
# (the small model hears espeak's "this is a test of the speech recognizer" as "the feet american either")
speak "$tmp/a.wav" "hello my name is john and i need help with my bill" 130
sox "$tmp/a.wav" need-help.wav pad 0.2 0.8

# two utterances split by a second of silence: the recognizer must close the first one mid-stream
speak "$tmp/b1.wav" "good morning how are you today"
speak "$tmp/b2.wav" "please tell me your account number"
sox "$tmp/b1.wav" "$tmp/b1p.wav" pad 0.1 0.9
sox "$tmp/b2.wav" "$tmp/b2p.wav" pad 0 0.5
sox "$tmp/b1p.wav" "$tmp/b2p.wav" two-utterances.wav
