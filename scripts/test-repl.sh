#!/usr/bin/env bash
# Tests the REPL as a person would: piped standard input, then real keystrokes under tmux
# (send-keys) with assertions on what the screen shows (capture-pane). Builds nothing: it runs
# the binary of the last `swift build`. Needs tmux (scripts/bootstrap.sh installs it): without it the
# interactive part is reported as skipped ("skipped: NAME: WHY", counted by scripts/test.sh).
# Prints "N passed, M failed, K skipped" and exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

. scripts/lib/bin.sh
vcdscript_bin --no-build
if [ ! -x "$BIN" ]; then
    echo "test-repl: $BIN is missing: run swift build first"
    echo "0 passed, 1 failed"
    exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vcd-repl-test.XXXXXX")
SOCK="vcd-repl-test-$$"
passed=0
failed=0
skipped=0
cleanup() {
    tmux -L "$SOCK" kill-server >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "  ok    $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/        | /'; }

# ---------------------------------------------------------------------------------------------
echo "== piped standard input"

export NO_COLOR=1
export VCDSCRIPT_HOME="$WORK/piped-home"

piped() { printf "$1" | timeout 20 "$BIN" 2>"$WORK/stderr"; }
expect_piped() { # name input expected-stdout
    local out
    out=$(piped "$2")
    if [ "$out" = "$3" ]; then pass "$1"; else fail "$1" "input: $2"$'\n'"expected: $3"$'\n'"got: $out"$'\n'"stderr: $(cat "$WORK/stderr")"; fi
}

expect_piped "values print, declarations do not" '1+1\nlet x = [1,2]\nx\n' $'2\n[1, 2]'
expect_piped "nil results print nothing" 'nil\nprint("hi")\nlet y = nil\ny\n' 'hi'
expect_piped "results are bound to _" '20\n_ + 1\n' $'20\n21'
expect_piped "multi-line input continues" 'fn twice(a) {\n  a * 2\n}\ntwice(21)\n' '42'
expect_piped 'a """ string continues over lines' 'let t = """\n  alpha\n    beta\n  """\nt\n' '"alpha\n  beta"'
expect_piped "a last line without newline runs" '3 * 3' '9'
expect_piped "a stray } is an error, not a hang" '1 }\n7\n' '7'
expect_piped "an error does not end the session" 'nope_undefined\n5\n' '5'
if grep -q "nope_undefined" "$WORK/stderr"; then pass "errors go to stderr with the source"; else fail "errors go to stderr with the source" "$(cat "$WORK/stderr")"; fi
out=$(piped '[{"name": "web", "cpus": 2}, {"name": "db", "cpus": 4}]\n')
if printf '%s\n' "$out" | grep -q '^NAME  *CPUS' && printf '%s\n' "$out" | grep -q '^db  *4'; then pass "lists of maps print as tables"; else fail "lists of maps print as tables" "$out"; fi
out=$(piped 'fn f() {\n' 2>&1; cat "$WORK/stderr")
if printf '%s' "$out" | grep -qi "error"; then pass "unfinished input at end of input is reported"; else fail "unfinished input at end of input is reported" "$out"; fi
out=$(piped '.help\n')
if printf '%s' "$out" | grep -q '.save FILE' && printf '%s' "$out" | grep -q 'help()'; then pass ".help lists commands and help()"; else fail ".help lists commands and help()" "$out"; fi
out=$(piped '.plan on\n.bogus\n')
if printf '%s' "$out" | grep -q "plan mode is on" && grep -q "unknown command .bogus" "$WORK/stderr"; then pass ".plan on switches plan mode, unknown commands named"; else fail ".plan on switches plan mode, unknown commands named" "$out $(cat "$WORK/stderr")"; fi
out=$(piped 'let vdc = cloud.org("xav_lab").vdc("t-tenant")\nlet gw = vdc.gateways.ensure(name: "gw-repl", ipCount: 2)\ncloud.org("xav_lab").vdc("t-tenant").gateways\n')
if printf '%s\n' "$out" | grep -q '^NAME  *STATUS  *UPLINK' && printf '%s\n' "$out" | grep -q '^gw-repl  *REALIZED'; then pass "cloud collections print as tables"; else fail "cloud collections print as tables" "$out $(cat "$WORK/stderr")"; fi
printf 'let loaded = 7\nfn triple(n) { n * 3 }\n' > "$WORK/lib.vs"
expect_piped ".format json prints results as JSON" '.format json\n{"a": [1]}\n' $'{\n  "a": [\n    1\n  ]\n}'
expect_piped ".load runs a file in the session" ".load $WORK/lib.vs\ntriple(loaded)\n" $'loaded '"$WORK/lib.vs"$'\n21'
piped "let keep = 1\nbroken(\n\n\nkeep + 1\n.save $WORK/saved.vs\n" >/dev/null
if [ "$(cat "$WORK/saved.vs" 2>/dev/null)" = $'let keep = 1\nkeep + 1' ]; then pass ".save writes the successful inputs"; else fail ".save writes the successful inputs" "$(cat "$WORK/saved.vs" 2>&1)"; fi
printf '1\nexit(3)\n2\n' | "$BIN" >/dev/null 2>&1
rc=$?
"$BIN" -e 'exit(3)' >/dev/null 2>&1
e_rc=$?
if [ $rc -eq 3 ]; then pass "exit(3) leaves with code 3"
else fail "exit(3) leaves with code 3" "rc=$rc (and vcdscript -e 'exit(3)' gives $e_rc)"; fi
printf '.exit\n' | "$BIN" >/dev/null 2>&1
rc=$?
if [ $rc -eq 0 ]; then pass ".exit leaves with code 0"; else fail ".exit leaves with code 0" "rc=$rc"; fi
if [ ! -e "$VCDSCRIPT_HOME/history" ]; then pass "piped input is not written to history"; else fail "piped input is not written to history"; fi

# Issue 12, item 5: plan mode, .save, one object, .width, help().
out=$(piped 'let vdc = cloud.org("xav_lab").vdc("t-tenant")\nlet real = vdc.gateways.ensure(name: "gw-applied", ipCount: 1)\n.plan on\nlet planned = vdc.gateways.ensure(name: "gw-planned", ipCount: 1)\n.plan off\nfor c in cloud.changes { print("change:", c) }\nprint("exists:", vdc.gateways.names.contains("gw-planned"))\n')
if printf '%s\n' "$out" | grep -q '^change: + created edge gateway gw-applied' \
   && printf '%s\n' "$out" | grep -q '^change: + create edge gateway gw-planned' \
   && ! printf '%s\n' "$out" | grep -q '^change: + created edge gateway gw-planned' \
   && printf '%s\n' "$out" | grep -q '^exists: false'; then pass "cloud.changes after .plan off says what was planned and what was sent"
else fail "cloud.changes after .plan off says what was planned and what was sent" "$out $(cat "$WORK/stderr")"; fi

piped "let vdc = cloud.org(\"xav_lab\").vdc(\"t-tenant\")\n.plan on\nlet planned = vdc.gateways.ensure(name: \"gw-save-plan\")\nprint(\"planned\")\n.plan off\nlet after = 2\n.save $WORK/planned.vs\n" >"$WORK/save-out"
saved=$(cat "$WORK/planned.vs" 2>&1)
expected_saved='let vdc = cloud.org("xav_lab").vdc("t-tenant")
# .plan on: the inputs below ran in plan mode and sent nothing. They are kept as comments so
# that running this file does not make those changes; remove the "# " to make them.
# let planned = vdc.gateways.ensure(name: "gw-save-plan")
# print("planned")
# .plan off
let after = 2'
if [ "$saved" = "$expected_saved" ] && grep -q '2 ran in plan mode' "$WORK/save-out"; then pass ".save keeps what ran in plan mode as comments between .plan on and .plan off"
else fail ".save keeps what ran in plan mode as comments between .plan on and .plan off" "$saved"$'\n'"$(cat "$WORK/save-out")"; fi
"$BIN" "$WORK/planned.vs" >"$WORK/replay-out" 2>&1
rc=$?
out=$(piped ".load $WORK/planned.vs\nprint(after, cloud.org(\"xav_lab\").vdc(\"t-tenant\").gateways.names.contains(\"gw-save-plan\"))\n")
if [ $rc -eq 0 ] && [ "$out" = "loaded $WORK/planned.vs"$'\n'"2 false" ] && ! grep -q 'gw-save-plan' "$WORK/replay-out"; then pass "replaying a saved file (run and .load) does not make what was only planned"
else fail "replaying a saved file (run and .load) does not make what was only planned" "rc=$rc $(cat "$WORK/replay-out")"$'\n'"$out $(cat "$WORK/stderr")"; fi

out=$(piped 'let gw = cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-fields", ipCount: 1)\ngw\nprint(gw)\n')
if printf '%s\n' "$out" | grep -q '^FIELD  *VALUE$' && printf '%s\n' "$out" | grep -q '^name  *gw-fields$' \
   && printf '%s\n' "$out" | grep -q '^status  *REALIZED$' && printf '%s\n' "$out" | grep -q '^<[a-z ]*gw-fields>$' \
   && ! printf '%s\n' "$out" | grep -q '^natRules'; then pass "one object prints as a table of its fields, print(o) keeps one line"
else fail "one object prints as a table of its fields, print(o) keeps one line" "$out $(cat "$WORK/stderr")"; fi

long_note="a note that is much longer than thirty columns, and then some more words to reach past sixty"
out=$(piped ".width 30\n[{\"name\": \"web\", \"note\": \"$long_note\"}]\n")
widest=$(printf '%s\n' "$out" | awk '{ if (length > m) m = length } END { print m + 0 }')
if [ "$widest" -le 30 ] && printf '%s\n' "$out" | grep -q '^web  *a note that.*\.\.\.$'; then pass ".width 30 fits a table in 30 columns, long cells end with ..."
else fail ".width 30 fits a table in 30 columns, long cells end with ..." "widest=$widest"$'\n'"$out"; fi
out=$(piped "[{\"name\": \"web\", \"note\": \"$long_note\"}]\n.width off\n[{\"name\": \"web\", \"note\": \"$long_note\"}]\n.width\n")
if [ "$(printf '%s\n' "$out" | grep -c '\.\.\.$')" = 1 ] && printf '%s\n' "$out" | grep -qF "web   $long_note" \
   && printf '%s\n' "$out" | grep -q 'not cut: .width off'; then pass "piped output cuts cells at 60 until .width off widens them"
else fail "piped output cuts cells at 60 until .width off widens them" "$out"; fi
out=$(piped '.width 5\n.width wide\n')
if [ "$(grep -c 'usage: .width N|auto|off' "$WORK/stderr")" = 2 ]; then pass ".width with a bad argument says what it takes"; else fail ".width with a bad argument says what it takes" "$(cat "$WORK/stderr")"; fi

narrow=$(piped '.width 40\nhelp()\nhelp(len)\n')
wide=$(piped '.width 1000\nhelp()\nhelp(len)\n')
widest=$(printf '%s\n' "$narrow" | awk '{ if (length > m) m = length } END { print m + 0 }')
if [ "$widest" -le 40 ] && [ "$(printf '%s\n' "$narrow" | wc -l)" -gt "$(printf '%s\n' "$wide" | wc -l)" ] \
   && [ "$(printf '%s' "$narrow" | tr -s ' \n' '\n\n')" = "$(printf '%s' "$wide" | tr -s ' \n' '\n\n')" ]; then pass "help() wraps on words at the width, never inside a word"
else fail "help() wraps on words at the width, never inside a word" "widest=$widest"$'\n'"$narrow"; fi

# ---------------------------------------------------------------------------------------------
echo "== interactive (tmux)"

HOME_DIR="$WORK/home"
STATE="$WORK/state"
mkdir -p "$HOME_DIR"
SHELL_ENV=(env -i PATH="$PATH" HOME="$HOME_DIR" VCDSCRIPT_HOME="$STATE" NO_COLOR=1 LANG=C.UTF-8 LC_ALL=C.UTF-8
           EDITRC=/dev/null PS1='$ ' TERM=xterm-256color bash --norc --noprofile)

if ! command -v tmux >/dev/null 2>&1; then
    echo "skipped: REPL under tmux (completion, history, Ctrl-C, Ctrl-D): tmux is not installed (scripts/bootstrap.sh installs it)"
    skipped=$((skipped + 1))
    echo "$passed passed, $failed failed, $skipped skipped"
    [ $failed -eq 0 ]
    exit
fi
if ! tmux -L "$SOCK" -f /dev/null new-session -d -s one -x 120 -y 50 "${SHELL_ENV[@]}" 2>"$WORK/tmux.err"; then
    fail "tmux starts a session" "$(cat "$WORK/tmux.err")"
    echo "$passed passed, $failed failed, $skipped skipped"
    exit 1
fi

T=one
screen() { tmux -L "$SOCK" capture-pane -p -J -t "$T" -S -1000; }
shown() { screen | grep -v '^ *$' | tail -"${1:-20}"; } # the last non-blank lines, for failure reports
# settle SCREEN: waits until the screen differs from SCREEN and then holds still for 0.1 s, at most
# about 0.5 s (some keys change nothing on screen). The checks themselves wait for what they expect.
settle() {
    local before=$1 now prev="" i=0
    while [ $i -lt 10 ]; do
        sleep 0.05
        now=$(screen)
        [ "$now" != "$before" ] && [ "$now" = "$prev" ] && return 0
        prev=$now
        i=$((i + 1))
    done
}
keys() { local b; b=$(screen); tmux -L "$SOCK" send-keys -t "$T" "$@"; settle "$b"; }
typed() { local b; b=$(screen); tmux -L "$SOCK" send-keys -t "$T" -l "$1"; settle "$b"; }
# count PATTERN: how many screen lines hold the fixed string (a whole line with EXACT=1)
count() { if [ "${EXACT:-0}" = 1 ]; then screen | grep -cxF -- "$1"; else screen | grep -cF -- "$1"; fi; }
# wait_for PATTERN [N] [SECONDS]: until at least N screen lines hold the string
wait_for() {
    local pat=$1 n=${2:-1} limit=${3:-15} i=0
    while [ $i -lt $((limit * 10)) ]; do
        [ "$(count "$pat")" -ge "$n" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
check() { # name pattern [n] [seconds]
    if wait_for "$2" "${3:-1}" "${4:-15}"; then pass "$1"; else fail "$1" "$(shown 25)"; fi
}
check_line() { EXACT=1 check "$@"; } # a result: the whole line

# Session one.
wait_for '$ ' 1 10
keys "$BIN; echo EXIT=\$?" Enter
check "the prompt shows" 'vcd> '

typed '"abc".'
keys Tab
if wait_for 'upper' 1 10 && wait_for 'lower' 1 2 && wait_for 'split' 1 2; then pass '"abc".<TAB> lists string methods'; else fail '"abc".<TAB> lists string methods' "$(shown)"; fi
typed 'up'
keys Tab
check "a unique method completes with its ( (upper)" 'vcd> "abc".upper('
typed ')'
keys Enter
check_line "the completed method call runs" '"ABC"'

typed 'let marker_value = 4242'
keys Enter
typed 'marker_v'
keys Tab
keys Enter
check_line "a global name completes" '4242'

typed 'fn greet(person, greeting) {'
keys Enter
check "an unfinished fn continues with ...>" '...> '
typed '  greeting + " " + person'
keys Enter
check "each line of the fn continues" '...> ' 2
typed '}'
keys Enter
typed 'greet(pe'
keys Tab
typed '"ada", gre'
keys Tab
typed '"hi")'
if wait_for 'greet(person: "ada", greeting: "hi")' 1 5; then pass "named arguments complete after ( and ,"; else fail "named arguments complete after ( and ," "$(shown 10)"; fi
keys Enter
check_line "the multi-line function runs" '"hi ada"'
typed 'greet(greeting: "hi", '
keys Tab
check "a named parameter already given is not offered again" 'vcd> greet(greeting: "hi", person: '
typed '"bo")'
keys Enter
check_line "the call completed that way runs" '"hi bo"'
typed 'greet("al", '
keys Tab
check "a parameter given by position is not offered again" 'vcd> greet("al", greeting: '
keys C-u

typed 'fn unfinished() {'
keys Enter
check "a second unfinished input continues" '...> ' 3
typed '  let inside = 1'
keys Enter
keys C-c
typed '5 + 5'
check "after one Ctrl-C the prompt is vcd> again" 'vcd> 5 + 5'
keys Enter
check_line "Ctrl-C drops an unfinished multi-line input" '10'

typed '[1, 2].'
keys Tab
check "[1, 2].<TAB> lists list methods" 'append'
keys C-u
typed 'let cfg = {"alpha": 1}'
keys Enter
typed 'cfg.al'
keys Tab
keys Enter
check "map keys complete after ." 'vcd> cfg.alpha'

typed '[{"name": "web", "cpus": 2}, {"name": "db", "cpus": 4}]'
keys Enter
check "a list of maps prints as a table" 'NAME  CPUS'

typed 'let gw = cloud.org("xav_lab").vdc("t-tenant").gateways.ensure(name: "gw-tab")'
keys Enter
check "ensure in the REPL reports the change" 'edge gateway gw-tab'
typed 'gw.vipS'
keys Tab
keys Enter
check_line "gateway members complete after ." '"203.0.113.0/24"'

typed 'cloud.org("xav'
keys Tab
check "org names complete inside cloud.org(\"" 'vcd> cloud.org("xav_lab"'
typed ').vdc("t-'
keys Tab
check "VDC names complete inside org.vdc(\"" 'vcd> cloud.org("xav_lab").vdc("t-tenant"'
typed ').gateways.get("gw-t'
keys Tab
check "gateway names complete inside gateways.get(\"" 'vcd> cloud.org("xav_lab").vdc("t-tenant").gateways.get("gw-tab"'
typed ')'
keys Enter
if wait_for 'FIELD' 1 10 && screen | grep -Eq '^name +gw-tab$'; then pass "one gateway prints as a table of its fields"; else fail "one gateway prints as a table of its fields" "$(shown)"; fi
typed 'let v = cloud.org("xav_lab").vdc("t-tenant")'
keys Enter
typed 'let other = v.gateways.ensure(name: "gw-other")'
keys Enter
check "a second gateway is made" 'edge gateway gw-other'
typed 'v.gateways.find("gw-'
keys Tab
if wait_for 'gw-other' 3 5 && screen | grep -q 'gw-other  *gw-tab'; then pass "several live names are listed"; else fail "several live names are listed" "$(shown)"; fi
keys C-u

long_cell=$(printf 'x%.0s' $(seq 1 90))
typed "[{\"name\": \"wide\", \"note\": \"$long_cell\"}]"
keys Enter
if wait_for "wide  $long_cell" 1 5; then pass "on a terminal, tables use its width (a 90-character cell is not cut)"; else fail "on a terminal, tables use its width (a 90-character cell is not cut)" "$(shown)"; fi
typed '.width 40'
keys Enter
typed '_'
keys Enter
if wait_for "wide  $(printf 'x%.0s' $(seq 1 31))..." 1 5; then pass ".width 40 cuts the cell to fit 40 columns"; else fail ".width 40 cuts the cell to fit 40 columns" "$(shown)"; fi
typed '.width auto'
keys Enter
typed 'help()'
keys Enter
sleep 1
help_lines() { screen | sed -n '/^vcd> help()$/,$p'; }
if wait_for 'Builtins:' 1 5 && [ "$(help_lines | wc -l)" -gt 3 ] && [ "$(help_lines | awk 'length > 120' | wc -l)" = 0 ]; then pass "help() wraps on words within the terminal's width"
else fail "help() wraps on words within the terminal's width" "$(help_lines)"; fi

typed 'secret("hunter2")'
keys Enter
check "a secret prints masked" '********'

typed 'while true {}'
keys Enter
sleep 1
keys C-c
check "Ctrl-C stops while true {}" 'interrupted' 1 10
typed '1 + 41'
keys Enter
check_line "the REPL is usable after Ctrl-C" '42' 1 10
typed '_ + 1'
keys Enter
check_line "_ holds the last result" '43'

typed 'half typed line'
keys C-c
typed '100 + 11'
keys Enter
check_line "Ctrl-C cancels the line being typed" '111'
if ! screen | grep -q 'half typed line.*111\|error.*half'; then pass "the cancelled line did not run"; else fail "the cancelled line did not run" "$(shown 8)"; fi

typed '.nope'
keys Enter
check "unknown dot-command is named" 'unknown command .nope'
typed '.target'
keys Enter
check ".target names where cloud points" 'cloud: embedded simulator'

typed '"recall-" + "me"'
keys Enter
check_line "last input of session one" '"recall-me"'
keys C-d
check "Ctrl-D exits with code 0" 'EXIT=0' 1 10

HIST="$STATE/history"
if [ -f "$HIST" ]; then pass "history file created in VCDSCRIPT_HOME"; else fail "history file created in VCDSCRIPT_HOME" "$(ls -la "$STATE" 2>&1)"; fi
mode=$(stat -c %a "$HIST" 2>/dev/null)
if [ "$mode" = 600 ]; then pass "history file has mode 0600"; else fail "history file has mode 0600" "mode=$mode"; fi
if grep -q 'marker_value' "$HIST" 2>/dev/null; then pass "history holds typed lines"; else fail "history holds typed lines" "$(cat "$HIST" 2>&1)"; fi
if ! grep -q 'hunter2' "$HIST" 2>/dev/null; then pass "a secret literal line is not in history"; else fail "a secret literal line is not in history" "$(cat "$HIST")"; fi

# Session two: history survives a restart.
T=two
tmux -L "$SOCK" new-session -d -s two -x 120 -y 50 "${SHELL_ENV[@]}"
wait_for '$ ' 1 10
keys "$BIN; echo EXIT=\$?" Enter
check "a second session starts" 'vcd> '
keys Up
check "Up recalls the last line of the previous session" 'vcd> "recall-" + "me"'
keys Enter
check_line "the recalled line runs" '"recall-me"'
seen_secret=0
for _ in $(seq 1 30); do
    tmux -L "$SOCK" send-keys -t "$T" Up; sleep 0.25
    screen | grep -q hunter2 && seen_secret=1
done
if [ $seen_secret = 0 ]; then pass "Up through the whole history never shows the secret line"; else fail "Up through the whole history never shows the secret line" "$(shown 5)"; fi
keys C-u
keys C-d
check "Ctrl-D on an empty line exits the second session" 'EXIT=0' 1 10

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
