# The checks of .ci/run, sourced by it and by .ci/test-lib (which runs them on made-up reports).
# Every function works in the current directory: the repository root, or a fake one in the test.

# Per build step, a copy of its Surefire and Failsafe reports and its log: a later step rewrites
# the modules' failsafe-reports, so each step is counted from its own copy.
CI_DIR=target/ci

# Totals over every step, and why CI fails (none: it passes).
CI_PASSED=0
CI_FAILED=0
CI_SKIPPED=0
CI_PROBLEMS=()
# Tests that passed in the last ci_step.
CI_STEP_PASSED=0

ci_problem() {
  CI_PROBLEMS+=("$*")
  echo "CI: $*"
}

ci_failed() {
  [ "${#CI_PROBLEMS[@]}" -gt 0 ]
}

# Surefire and Failsafe add to their report directories and never empty them: a report left by an
# earlier build would count as if this build had run it.
ci_clean_reports() {
  rm -rf ./*/target/surefire-reports ./*/target/failsafe-reports
}

# Prints "tests failed skipped" over every TEST-*.xml under DIR; failed counts failures and errors.
ci_count() {
  find "$1" -name 'TEST-*.xml' -type f -exec grep -ho '<testsuite [^>]*>' {} + \
    | awk 'function attr(name,   v) {
             if (!match($0, " " name "=\"[0-9]+\"")) return 0
             v = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", v); return v + 0
           }
           { T += attr("tests"); F += attr("failures") + attr("errors"); S += attr("skipped") }
           END { print T + 0, F + 0, S + 0 }'
}

# ci_step NAME COMMAND...: runs one build step on fresh reports, keeps its reports and log in
# $CI_DIR/NAME, adds its counts to the totals and records what is wrong with it.
ci_step() {
  local name=$1 dir="$CI_DIR/$1" reports module rc tests failed skipped
  shift
  ci_clean_reports
  rm -rf "$dir" && mkdir -p "$dir"
  echo "== $name: $*"
  "$@" 2>&1 | tee "$dir/build.log"
  rc=${PIPESTATUS[0]}
  for reports in ./*/target/surefire-reports ./*/target/failsafe-reports; do
    [ -d "$reports" ] || continue
    module=${reports#./}
    module=${module%%/*}
    mkdir -p "$dir/$module" && cp -R "$reports" "$dir/$module/"
  done
  read -r tests failed skipped < <(ci_count "$dir")
  CI_STEP_PASSED=$((tests - failed - skipped))
  CI_PASSED=$((CI_PASSED + CI_STEP_PASSED))
  CI_FAILED=$((CI_FAILED + failed))
  CI_SKIPPED=$((CI_SKIPPED + skipped))
  echo "== $name: $CI_STEP_PASSED passed, $failed failed, $skipped skipped (exit $rc)"
  [ "$rc" -eq 0 ] || ci_problem "$name: exited with $rc"
  # Maven may exit 0 with failures (testFailureIgnore, a plugin set up wrong): the reports decide.
  [ "$failed" -eq 0 ] || ci_problem "$name: $failed tests failed or errored"
  # Surefire and Failsafe print this for skipTests, maven.test.skip, skipITs and <skip>, wherever set.
  # Tests a JUnit assumption skips are reported as skipped instead, and are not a problem.
  if grep -q 'Tests are skipped' "$dir/build.log"; then
    ci_problem "$name: tests were skipped by a flag (\"Tests are skipped\" in its log)"
  fi
}

# The same flags, set where they would hide from a reader of .ci/run; caught before a long build.
ci_check_skip_flags() {
  local flags='skipTests|maven\.test\.skip|skipITs|skipExec'
  if printf '%s\n%s\n' "${MAVEN_OPTS:-}" "${MAVEN_ARGS:-}" | grep -qE "$flags"; then
    ci_problem "MAVEN_OPTS or MAVEN_ARGS skips tests"
  fi
  if grep -sqE "$flags" .mvn/maven.config .mvn/jvm.config; then
    ci_problem ".mvn/ configuration skips tests"
  fi
}

# ci_check_floor PASSED FILE: PASSED (the tests the default build passed) is at least the number in
# FILE. Tests that stop being found (a renamed class, a broken filter) make no failure, only fewer passes.
ci_check_floor() {
  local passed=$1 file=$2 content
  content=$(cat "$file" 2>/dev/null)
  if ! [[ "$content" =~ ^[[:space:]]*([0-9]+)[[:space:]]*$ ]]; then
    ci_problem "$file must hold one whole number; it holds '${content}'"
  elif [ "$passed" -lt "${BASH_REMATCH[1]}" ]; then
    ci_problem "$passed tests passed, fewer than the floor of ${BASH_REMATCH[1]} in $file"
  fi
}

# CI passes on tests that ran, never on none.
ci_check_any_passed() {
  [ "$CI_PASSED" -gt 0 ] || ci_problem "no test passed"
}

# ci_slowest N: the N slowest test classes over every step, from the reports' testsuite time.
ci_slowest() {
  [ -d "$CI_DIR" ] || return 0 # no step ran
  find "$CI_DIR" -name 'TEST-*.xml' -type f -exec grep -Ho '<testsuite [^>]*>' {} + \
    | awk -v root="$CI_DIR/" '{
        step = substr($0, length(root) + 1); sub(/\/.*/, "", step)
        name = "?"; time = 0
        if (match($0, / name="[^"]*"/)) name = substr($0, RSTART + 7, RLENGTH - 8)
        if (match($0, / time="[0-9.,]+"/)) { time = substr($0, RSTART + 7, RLENGTH - 8); gsub(/,/, "", time) }
        printf "%10.1f s  %s (%s)\n", time, name, step
      }' \
    | sort -rn | head -n "$1"
}

# The line CI reads.
ci_summary() {
  echo "$CI_PASSED passed, $CI_FAILED failed, $CI_SKIPPED skipped"
}
