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

# asv: which PyMC history (mirror: built from PyPI by `make mirror`; github: the real repository),
# which tier (PMB_TIER: tiny, quick, full) and which commits.
PYMC_REPO ?= mirror
MIRROR := .asv/pymc-mirror
MIRROR_VERSIONS ?= 6.2.0 6.3.2 6.4.0
ASV_CONFIG := $(if $(filter github,$(PYMC_REPO)),asv.conf.json,asv.mirror.conf.json)
COMMITS ?= main^!
BENCH ?=
PMB_TIER ?= quick
export PMB_TIER
# Results of different tiers must not overwrite each other: the tier is part of the machine name.
HARDWARE := $(shell echo "$$(uname -m)-$$(nproc)cpu-$$(awk '/MemTotal/ {printf "%d", $$2/1048576 + 0.5}' /proc/meminfo)GB")
MACHINE ?= $(HARDWARE)-$(PMB_TIER)
# asv looks for python3.12 on PATH; pyenv's shim answers only inside a pyenv version.
ASV := PATH="$(dir $(PYTHON312)):$$PATH" $(VENV)/bin/asv
# forkserver: asv imports the suite once and forks a process per benchmark (the tracked metrics
# are ~900 small processes per commit; spawning each from scratch cost 2-3 s apiece).
ASV_RUN_FLAGS := --config $(ASV_CONFIG) --machine $(MACHINE) --launch-method forkserver --show-stderr \
  $(if $(BENCH),--bench "$(BENCH)")

.PHONY: setup blas test list run clean mirror asv-config machine bench history check publish preview summary

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

test: setup mirror
	$(PY) -m pytest -q tests

list: setup
	$(PY) -m harness list

# One model through one backend, e.g. make run MODEL=gp_latent BACKEND=nutpie-numba RUN_ARGS="--draws 250"
run: setup
	$(PY) -m harness run $(MODEL) $(BACKEND) $(RUN_ARGS)

# A local git history of PyMC, one commit per release, from PyPI's source distributions.
mirror: setup
	$(PY) scripts/build_mirror.py $(MIRROR) $(MIRROR_VERSIONS)

asv-config: setup $(if $(filter github,$(PYMC_REPO)),,mirror)
	$(if $(filter github,$(PYMC_REPO)),@true,$(PY) scripts/mirror_config.py)

# Name the machine honestly: asv records its CPU, cores and memory in results/<machine>/machine.json.
machine: setup
	$(PY) scripts/asv_machine.py $(MACHINE)

# The main job: the quick tier over every model x backend at the newest PyMC release, the
# notebook's table, and the dashboard. asv exits 2 when a benchmark fails: that is a result
# (recorded as failed), not a reason to stop.
bench: asv-config machine
	$(ASV) run $(ASV_RUN_FLAGS) $(COMMITS) || test $$? -eq 2
	$(PY) scripts/summary.py --machine $(MACHINE)
	$(ASV) publish --config $(ASV_CONFIG)

# The suite over a range of PyMC commits (asv syntax; ALL = every release in the mirror), resumable:
# benchmarks that already have results for a commit are skipped.
RANGE ?= ALL
history: asv-config machine
	$(ASV) run $(ASV_RUN_FLAGS) --skip-existing $(RANGE) || test $$? -eq 2
	$(ASV) publish --config $(ASV_CONFIG)

summary: setup
	$(PY) scripts/summary.py --machine $(MACHINE)

check: asv-config
	$(ASV) check --config $(ASV_CONFIG)

publish: asv-config
	$(ASV) publish --config $(ASV_CONFIG)

preview: asv-config
	$(ASV) preview --config $(ASV_CONFIG)

clean:
	rm -rf $(VENV) .cache .asv html asv.mirror.conf.json
