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

.PHONY: setup blas test list run clean

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

test: setup
	$(PY) -m pytest -q tests

list: setup
	$(PY) -m harness list

# One model through one backend, e.g. make run MODEL=gp_latent BACKEND=nutpie-numba RUN_ARGS="--draws 250"
run: setup
	$(PY) -m harness run $(MODEL) $(BACKEND) $(RUN_ARGS)

clean:
	rm -rf $(VENV) .cache
