# Winnow's targets. Every pipeline target takes INPUT (paths) and OUTPUT (a directory):
#   make run INPUT=/data/crawl OUTPUT=/data/corpus JOBS=8
SHELL := /bin/bash
INPUT ?= SampleCorpus
OUTPUT ?= output
JOBS ?= $(shell nproc)
SHARED ?= ../shared
BENCH_DIR ?= /tmp/winnow-bench
PREFIX ?= /usr/local
# The manual's date: the last commit's, so the page is the same for the same source.
MAN_DATE ?= $(shell git log -1 --format=%cs 2>/dev/null || date +%F)
SWIFT ?= swift
BIN := .build/release/winnow
DEBUG_BIN := .build/debug/winnow
PIPELINE ?= Pipelines/default.yaml
URLS ?= urls.txt
ARCHIVE ?= archive
FETCH_FLAGS ?=
WINNOW_FLAGS ?=

LINT_PATHS := Sources Tests Package.swift Fuzz/Package.swift Fuzz/Sources

.PHONY: setup lint format build build-debug man completions install fetch fineweb-lists run validate read url-filter clean-html segment extract language quality dedup pii test golden bench bench-extract bench-dedup bench-recipe bench-charset bench-instructions train-extract train-title train-date fuzz clean

## setup: install the system libraries Winnow links (libxml2, zlib, libdeflate, CLD2, uchardet, libcurl) when they are missing
setup:
	@scripts/setup.sh

## build: release build of the winnow binary
build: setup
	$(SWIFT) build -c release

build-debug: setup
	$(SWIFT) build

## man: the manual page, generated from the command's own help, into .build/man/winnow.1
man: setup
	mkdir -p .build/man
	$(SWIFT) package --allow-writing-to-directory .build/man generate-manual --date $(MAN_DATE) --output-directory .build/man

## completions: bash, zsh and fish completion scripts into .build/completions
completions: build
	mkdir -p .build/completions
	$(BIN) --generate-completion-script bash > .build/completions/winnow.bash
	$(BIN) --generate-completion-script zsh > .build/completions/_winnow
	$(BIN) --generate-completion-script fish > .build/completions/winnow.fish

## install: the binary, its manual page and shell completions under PREFIX (default /usr/local; DESTDIR for staging)
install: build man completions
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/winnow
	install -D -m 644 .build/man/winnow.1 $(DESTDIR)$(PREFIX)/share/man/man1/winnow.1
	install -D -m 644 .build/completions/winnow.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/winnow
	install -D -m 644 .build/completions/_winnow $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_winnow
	install -D -m 644 .build/completions/winnow.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/winnow.fish

## fetch: the URL list URLS into WARC files in ARCHIVE (then: make run INPUT=$(ARCHIVE))
fetch: build
	$(BIN) fetch --urls $(URLS) --output $(ARCHIVE) $(FETCH_FLAGS)

## run: the PIPELINE file (default: Pipelines/default.yaml) over INPUT into OUTPUT (shards + summary.json)
run: build
	$(BIN) run $(PIPELINE) --input $(INPUT) --output $(OUTPUT) --jobs $(JOBS) $(WINNOW_FLAGS)

## fineweb-lists: FineWeb's URL-filter lists (UT1's adult list and banned words, from datatrove's wheel on PyPI) into lists/fineweb
fineweb-lists:
	scripts/fineweb_lists.sh lists/fineweb

## validate: check every pipeline file in Pipelines/
validate: build
	$(BIN) validate Pipelines/*.yaml

## read / url-filter / clean-html / segment / extract / language / quality / dedup / pii: the PIPELINE up to one stage
## into OUTPUT/<stage> (url-filter needs lists: WINNOW_FLAGS="--url-blocklist lists/fineweb")
read: build
	$(BIN) read $(PIPELINE) --input $(INPUT) --output $(OUTPUT)/read --jobs $(JOBS) $(WINNOW_FLAGS)

url-filter: build
	$(BIN) url-filter $(PIPELINE) --input $(INPUT) --output $(OUTPUT)/url-filter --jobs $(JOBS) $(WINNOW_FLAGS)

clean-html: build
	$(BIN) clean $(PIPELINE) --input $(INPUT) --output $(OUTPUT)/clean --jobs $(JOBS) $(WINNOW_FLAGS)

segment: build
	$(BIN) segment $(PIPELINE) --input $(INPUT) --output $(OUTPUT)/segment --jobs $(JOBS) $(WINNOW_FLAGS)

extract: build
	$(BIN) extract $(PIPELINE) --input $(INPUT) --output $(OUTPUT)/extract --jobs $(JOBS) $(WINNOW_FLAGS)

language: build
	$(BIN) language $(PIPELINE) --input $(INPUT) --output $(OUTPUT)/language --jobs $(JOBS) $(WINNOW_FLAGS)

quality: build
	$(BIN) quality $(PIPELINE) --input $(INPUT) --output $(OUTPUT)/quality --jobs $(JOBS) $(WINNOW_FLAGS)

dedup: build
	$(BIN) dedup $(PIPELINE) --input $(INPUT) --output $(OUTPUT)/dedup --jobs $(JOBS) $(WINNOW_FLAGS)

pii: build
	$(BIN) pii $(PIPELINE) --input $(INPUT) --output $(OUTPUT)/pii --jobs $(JOBS) $(WINNOW_FLAGS)

## lint: swift-format's lint (.swift-format) over every Swift file, warnings as errors; no function of the
## runner, the stages, dedup or the core over 60 lines
lint:
	$(SWIFT) format lint --recursive --strict --parallel $(LINT_PATHS)
	python3 scripts/function_lengths.py 60

## format: rewrite every Swift file as swift-format lays it out (then `make lint` passes)
format:
	$(SWIFT) format --in-place --recursive --parallel $(LINT_PATHS)

## test: the lint, unit and end-to-end tests, the output schema check and the extraction quality floor
test: lint build-debug
	$(SWIFT) test
	scripts/check_output.sh $(DEBUG_BIN) $(SHARED)

## golden: rewrite the extraction golden files from the current code and show what changed
golden: build-debug
	WINNOW_UPDATE_GOLDEN=1 $(SWIFT) test --filter GoldenTests
	git --no-pager diff --stat -- Tests/WinnowTests/Golden
	git --no-pager diff -- Tests/WinnowTests/Golden

## bench-extract: extraction quality on every development set fed as WARCs (per set, kind and domain fold; the
## shipped model's fitted figures, then the cross-validated ones), and the stages' speed
bench-extract: build
	python3 Benchmarks/extraction_eval.py $(BIN) $(SHARED)
	python3 -c 'import sklearn' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check scikit-learn==1.9.1
	python3 scripts/train_extract.py $(BIN) $(SHARED)
	python3 scripts/train_title.py $(BIN) $(SHARED)
	python3 scripts/train_title.py $(BIN) $(SHARED) --field date
	# One at a time: pip 23's resolver stops with an internal error when two of them ask for lxml[html_clean].
	python3 -c 'import trafilatura, readability, resiliparse' 2>/dev/null || for p in trafilatura==2.3.1 readability-lxml==0.9 resiliparse==2.0.1; do \
	  python3 -m pip install -q --disable-pip-version-check $$p || exit 1; done
	python3 Benchmarks/extraction_peers.py $(SHARED)
	Benchmarks/extraction.sh $(BIN) $(SHARED)

## train-extract: retrain the extraction's block model on the development sets (cross-validated by domain first)
## and rewrite Sources/WinnowStages/Extract/BlockModelParameters.swift and its parity fixture; then the title
## and date models (train-title, train-date), whose features read where the new model's main text starts
train-extract: build
	python3 -c 'import sklearn' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check scikit-learn==1.9.1
	python3 scripts/train_extract.py $(BIN) $(SHARED) --write-swift Sources/WinnowStages/Extract/BlockModelParameters.swift \
	  --write-parity Tests/WinnowTests/Fixtures/block-model-parity.jsonl
	$(MAKE) train-title train-date

## train-title: retrain the title model on the development sets' labelled titles (cross-validated by domain first)
## and rewrite Sources/WinnowStages/Extract/TitleModelParameters.swift and its parity fixture
train-title: build
	python3 -c 'import sklearn' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check scikit-learn==1.9.1
	python3 scripts/train_title.py $(BIN) $(SHARED) --write-swift Sources/WinnowStages/Extract/TitleModelParameters.swift \
	  --write-parity Tests/WinnowTests/Fixtures/title-model-parity.jsonl

## train-date: retrain the date model on the development pages whose truth has a date (cross-validated by domain first)
## and rewrite Sources/WinnowStages/Extract/DateModelParameters.swift and its parity fixture
train-date: build
	python3 -c 'import sklearn' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check scikit-learn==1.9.1
	python3 scripts/train_title.py $(BIN) $(SHARED) --field date --write-swift Sources/WinnowStages/Extract/DateModelParameters.swift \
	  --write-parity Tests/WinnowTests/Fixtures/date-model-parity.jsonl

## bench-dedup: near-duplicate quality (../shared/bench/dedup) and speed against datasketch, memory per document
bench-dedup: build
	Benchmarks/dedup.sh $(BIN) $(SHARED)

## bench-recipe: the recipe steps (URL filter, quality groups, PII) on one thread, and what Pipelines/fineweb.yaml drops
bench-recipe: build
	Benchmarks/recipe.sh $(BIN) $(SHARED)

## bench-charset: charset detection on chardet's 336 undeclared test pages (downloaded from PyPI once)
bench-charset: build
	python3 Benchmarks/charset_eval.py $(BIN) $(BENCH_DIR)/charset --uchardet

## bench-instructions: the extract stage's instructions over the clean stage's (callgrind, every 5th WCXB page; ~8 minutes): a load-independent comparison of two builds
bench-instructions: build
	Benchmarks/stage_instructions.sh $(BIN) $(SHARED)

## bench: every benchmark (release build)
bench: bench-extract bench-dedup bench-recipe bench-charset
	Benchmarks/throughput.sh $(BIN) $(SHARED)
	Benchmarks/stage_ratio.sh $(BIN) $(SHARED)
	$(BIN) benchmark --input $(SHARED)/bench/extraction/pages

## fuzz: libFuzzer on the WARC reader, gzip reader, charset decoder, cleaner and the cut before parsing, FUZZ_SECONDS each (default 600)
fuzz:
	Fuzz/run.sh $(SHARED)

## clean: remove build products and the default output directory
clean:
	rm -rf .build $(OUTPUT)
