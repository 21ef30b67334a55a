#!/usr/bin/env bash
# Regenerates the sample calls with espeak-ng and sox (Debian packages), so anyone can rebuild the fixtures.
# The end-to-end tests in standalone/ send these files; the README's curl example sends abusive-call.wav.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# speak TEXT OUT RATE: a US-English voice at a calm pace, PCM16 mono at RATE, with a little silence around it
speak() {
  espeak-ng -v en-us -s 140 -w "$work/raw.wav" "$1"
  # -D: no dither, so the same text always gives the same bytes
  sox -D "$work/raw.wav" -r "$3" -c 1 -b 16 -e signed-integer "$2" pad 0.5 0.8
}

# An insult and a threat in one utterance, after a polite greeting.
speak "Hello, thank you for calling. You are a stupid idiot, and I will kill you." abusive-call.wav 16000
# Nothing harmful at all.
speak "Hello, thank you for calling. How can I help you today?" clean-call.wav 16000
# Three insulting utterances, none severe alone: the call escalates by the repeat rule (3 insults within 5 minutes).
insults=("Listen, you stupid idiot." "You are a stupid moron." "Shut up, you idiot.")
for i in "${!insults[@]}"; do
  speak "${insults[$i]}" "$work/insult-$i.wav" 16000
done
sox "$work/insult-0.wav" "$work/insult-1.wav" "$work/insult-2.wav" three-insults-call.wav

# Telephony stereo at 8 kHz: the agent (left) speaks first, the customer (right) answers after the agent stops.
speak "Good morning, my name is Anna, I am calling about your order." "$work/agent.wav" 8000
speak "Yes, I would like to cancel my account please." "$work/customer.wav" 8000
agent_seconds=$(soxi -D "$work/agent.wav")
sox "$work/agent.wav" "$work/agent-padded.wav" pad 0 6
sox "$work/customer.wav" "$work/customer-padded.wav" pad "$agent_seconds" 0
sox -D -M "$work/agent-padded.wav" "$work/customer-padded.wav" -r 8000 -b 16 -e signed-integer stereo-8k-call.wav trim 0 "$(soxi -D "$work/agent-padded.wav")"

# The same call as a PBX records it: G.711 mu-law, 8 bits per sample.
sox -D stereo-8k-call.wav -e mu-law -b 8 stereo-8k-mulaw-call.wav

soxi abusive-call.wav clean-call.wav three-insults-call.wav stereo-8k-call.wav stereo-8k-mulaw-call.wav | grep -E "Input File|Channels|Sample Rate|Encoding|Duration"

# A minute of back-and-forth: many utterances with pauses, so latency percentiles have enough data (benchmark).
sentences=(
  "Good morning, thank you for calling customer support."
  "I would like to ask about my last invoice."
  "Of course, can you give me your account number please?"
  "It is four five six seven eight."
  "Thank you, I can see two charges from last week."
  "Yes, the second charge looks wrong to me."
  "I understand, let me check the details for you."
  "The second charge was a late payment fee."
  "I paid on time, so please remove that fee."
  "I have removed the fee from your account."
  "Great, will I get a new invoice by email?"
  "Yes, you will receive it within one hour."
  "Is there anything else I can help you with today?"
  "No, that is all, thank you very much."
  "You are welcome, have a nice day."
)
parts=()
for i in "${!sentences[@]}"; do
  speak "${sentences[$i]}" "$work/line-$i.wav" 16000
  parts+=("$work/line-$i.wav")
done
sox "${parts[@]}" long-call.wav
soxi long-call.wav | grep -E "Input File|Duration"
