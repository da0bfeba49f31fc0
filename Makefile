# One command for the main job, one for the tests; both set up .venv themselves.
PYTHON ?= python3
# the input folder (flat or a province/city/district tree) and the output: `make all RAW=corpus OUT=out`
RAW ?= raw
OUT ?= output
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: all test bench fuzz fixtures fixtures-pdf schemas clean

all: $(STAMP)
	$(VENV)/bin/dutylists build $(RAW) --out $(OUT)

test: $(STAMP)
	$(PY) -m pytest

# extractors beside the peer libraries; the corpus build (editions/min per format and jobs, peak memory
# at 20 and 200 editions); duty clusters' thresholds and scale; the published edition scanned, read by OCR
bench: $(STAMP)
	$(PY) -m bench --runs 11
	$(PY) -m bench.corpus
	$(PY) -m bench.clusters --quick
	$(PY) -m bench.ocr

# mutation testing of raw/'s files (a few thousand mutants, minutes): identical data or one clean error
fuzz: $(STAMP)
	$(PY) -m fuzz --count txt=1600,docx=1200,pdf=160 --seed 1

# regenerate the test fixtures (test data): the PDF layout variants and matrix/ (needs LibreOffice's
# soffice and chromium; `make_variants.py --matrix-only` or NAME... for a part), and the other
# formats' renderings of the source editions (workbooks, web pages, legacy Word and WPS files)
fixtures: $(STAMP)
	$(PY) tests/fixtures/pdf/make_variants.py
	$(PY) tests/fixtures/formats/sources.py
	$(PY) tests/fixtures/formats/make_workbooks.py
	$(PY) tests/fixtures/formats/make_html.py
	$(PY) tests/fixtures/formats/make_legacy.py

fixtures-pdf: fixtures

# regenerate schemas/ and docs/data-dictionary.md from the models
schemas: $(STAMP)
	$(PY) -m pipeline.schemas
	$(PY) -m pipeline.deliver.dictionary

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(OUT)
