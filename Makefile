# BCE Lab. Two commands do everything on a fresh machine (Python 3.11+ and make):
#   make run    set up .venv (and Qt's system libraries) and open the app
#   make test   set up .venv with the test tools and run the whole test suite
#   make package   build the self-contained bundle (and on Linux the .deb) into dist/
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
export PYTHON VENV

.PHONY: run test bench package setup clean

setup:
	@scripts/setup_env.sh

run:
	@scripts/setup_env.sh
	$(PY) main.py $(ARGS)

test:
	@scripts/setup_env.sh test,cluster
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

package:
	@scripts/setup_env.sh package
	$(PY) packaging/build.py $(PACKAGE_ARGS)

bench:
	@scripts/setup_env.sh test,cluster,bench
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis .benchmarks
