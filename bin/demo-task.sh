#!/bin/sh
# The command the demo's workers run for each task (see bin/demo.ts): small real shell
# work chosen by the task's skills, 1-3 s of "thinking", and now and then a simulated
# transient failure on a first attempt, so retries show up in the dashboard.
set -eu

sleep $(( $(od -An -N1 -tu1 /dev/urandom | tr -d ' ') % 3 + 1 ))

digest=$(printf '%s' "$SWITCHYARD_TASK_ID" | sha256sum | cut -c1-12)
case "$digest" in
  [0-2]*)
    if [ "$SWITCHYARD_ATTEMPT" = 1 ]; then
      echo "simulated transient failure in $SWITCHYARD_TASK_KEY (will succeed on retry)" >&2
      exit 1
    fi ;;
esac

inputs=$(printf '%s' "$SWITCHYARD_INPUTS" | grep -o '"key":"[^"]*"' | wc -l | tr -d ' ')
words=$(printf '%s' "$SWITCHYARD_TASK_DESCRIPTION" | wc -w | tr -d ' ')
top=$(printf '%s' "$SWITCHYARD_TASK_DESCRIPTION" | tr -cs '[:alnum:]' '\n' | tr '[:upper:]' '[:lower:]' | grep -E '.{4,}' | sort | uniq -c | sort -rn | head -3 | awk '{printf "%s%s(%s)", sep, $2, $1; sep=", "}')

case ",$SWITCHYARD_TASK_SKILLS," in
  *,data_collection,*)
    sample=$(seq 1 500 | awk -v seed="$(printf '%d' 0x$(echo "$digest" | cut -c1-6))" 'BEGIN{srand(seed)} {print int(rand()*5)+1}')
    echo "Collected $(printf '%s\n' "$sample" | wc -l | tr -d ' ') survey ratings (sha256 $(printf '%s' "$sample" | sha256sum | cut -c1-16))."
    echo "Distribution: $(printf '%s\n' "$sample" | sort | uniq -c | awk '{printf "%s★=%s ", $2, $1}')" ;;
  *,data_analysis,*)
    echo "Analysed the output of $inputs upstream task(s); mean rating $(seq 1 100 | awk '{s+=($1%5)+1} END {printf "%.2f", s/NR}'). Key terms: $top." ;;
  *,translation,*)
    file=$(printf '%s' "$SWITCHYARD_TASK_NAME" | grep -oE '[A-Za-z0-9_.-]+\.md' | head -1)
    echo "翻译完成 ${file:-document}: $words words translated to Chinese (checksum $digest)." ;;
  *,vision,*)
    cam=$(printf '%s' "$SWITCHYARD_TASK_NAME" | grep -oE 'camera_[0-9]+' | head -1)
    echo "${cam:-camera}: normal operation, $(( $(printf '%d' 0x$(echo "$digest" | cut -c1-2)) % 3 )) motion events, brightness $(( $(printf '%d' 0x$(echo "$digest" | cut -c3-4)) % 40 + 60 ))%." ;;
  *,requirements,*|*,design,*|*,coding,*|*,testing,*)
    echo "$SWITCHYARD_TASK_NAME done: $words-word brief, $inputs input(s); focus on $top." ;;
  *)
    echo "$SWITCHYARD_TASK_NAME: combined $inputs result(s) (sha256 $(printf '%s' "$SWITCHYARD_INPUTS" | sha256sum | cut -c1-16))." ;;
esac
