# pipelines/lib/pipeline.mk: the part of a pipeline's Makefile that every
# pipeline with an awk generator, a load-v1.sh, schema.sh, report.sh and
# verify.sh has in common: the settings, the v1 data, the SRC/DST checks,
# resume and clean.  A pipeline sets HERE and includes it first, then
# defines its own streams, loads and migrate:
#
#   HERE := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
#   include $(HERE)/../lib/pipeline.mk
#
# DATA_DIRS names the folders the generator writes into below the data
# folder (default: none beyond the folder itself).
TOP := $(abspath $(HERE)/../..)
SCALE = 1000
SEED = 1
DATA = $(HERE)/data/$(SCALE)-$(SEED)
DATA_DIRS =
RUN = run
SRC =
DST =
UPSERT =
BATCH = 50000
MIG_BIN = $(TOP)/bin
export PATH := $(MIG_BIN):$(PATH)
override RUN := $(abspath $(RUN))
export RUN SRC DST UPSERT BATCH
S = $(RUN)/streams
D = $(RUN)/done

all:

data: $(DATA)/counts.txt
$(DATA)/counts.txt: $(HERE)/gen/gen-v1.awk
	rm -rf $(DATA).part
	mkdir -p $(DATA).part $(addprefix $(DATA).part/,$(DATA_DIRS))
	LC_ALL=C awk -v seed=$(SEED) -v n=$(SCALE) -v out=$(DATA).part -f $(HERE)/gen/gen-v1.awk
	rm -rf $(DATA)
	mv $(DATA).part $(DATA)

load-v1: data
	@test -n "$(SRC)" || { echo "make load-v1: set SRC=URL" >&2; exit 2; }
	$(HERE)/load-v1.sh "$$SRC" $(DATA)

urls:
	@test -n "$(SRC)" || { echo "make: set SRC=URL (the v1 database)" >&2; exit 2; }
	@test -n "$(DST)" || { echo "make: set DST=URL (the v2 database)" >&2; exit 2; }

schema:
	@test -n "$(DST)" || { echo "make schema: set DST=URL" >&2; exit 2; }
	$(HERE)/schema.sh

report:
	@test -n "$(SRC)" || { echo "make report: set SRC=URL" >&2; exit 2; }
	$(HERE)/report.sh

resume: urls
	@test -d $(RUN) || { echo "make resume: no run in $(RUN) to resume" >&2; exit 2; }
	$(MAKE) -f $(HERE)/Makefile migrate

verify: urls
	$(HERE)/verify.sh

clean-run:
	rm -rf $(RUN)

clean:
	rm -rf $(HERE)/data $(RUN)

.PHONY: all data load-v1 urls schema report resume verify clean-run clean
