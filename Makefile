# mig - see README.md.  GNU make.
.POSIX:
.SUFFIXES:

include config.mk

ifeq ($(SANITIZE),1)
BUILD = build/san
BINDIR = build/san/bin
CFLAGS += $(SAN_CFLAGS)
LDFLAGS += $(SAN_CFLAGS)
else
BUILD = build/std
BINDIR = bin
endif

STAGES = extract transform load verify
# Each tool is STAGE/mig-NAME.c plus its helpers STAGE/NAME-*.c.
TOOLS = $(sort $(notdir $(basename $(wildcard $(STAGES:%=%/mig-*.c)))))
BIN = $(TOOLS:%=$(BINDIR)/%)
LIB = $(BUILD)/libmig.a
LIBSRC = $(wildcard common/*.c)
LIBOBJ = $(LIBSRC:%.c=$(BUILD)/%.o)
HDR = $(wildcard common/*.h $(STAGES:%=%/*.h))
UNITSRC = $(wildcard tests/unit/*.c)
UNITBIN = $(UNITSRC:%.c=$(BUILD)/%)
MAN = $(wildcard man/*.1 man/*.5 man/*.7)
# mig.c, the one command over the tools, belongs to no stage and is no
# library code: it sits at the top, as git.c does in git.
MIG = $(BINDIR)/mig
COMPLETION = $(BUILD)/mig.bash
ALL_TESTS = $(sort $(wildcard tests/t[0-9][0-9][0-9][0-9]-*.bats))
# Runs at SCALE=10000 and over several hosts: minutes each, and they
# exercise no C path that the quick files miss, so the sanitized pass
# (several times slower) leaves them to the plain one.
SLOW_TESTS = tests/t9010-medical-shards.bats tests/t9202-shop-scale.bats tests/t9302-fitness-scale.bats \
	tests/t9502-crm-scale.bats tests/t9404-school-scale.bats
ifeq ($(SANITIZE),1)
TESTS = $(filter-out $(SLOW_TESTS),$(ALL_TESTS))
else
TESTS = $(ALL_TESTS)
endif

all: $(BIN) $(MIG) $(COMPLETION) $(UNITBIN)

$(MIG): $(BUILD)/mig.o $(LIB)
	@mkdir -p $(BINDIR)
	$(CC) $(LDFLAGS) -o $@ $(BUILD)/mig.o $(LIB) $(LDLIBS)

# generated from the tools' option tables (mig-TOOL --list-options)
$(COMPLETION): $(MIG) $(BIN)
	$(MIG) completion > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

define tool_rule
$(BINDIR)/$(1): $$(patsubst %.c,$(BUILD)/%.o,$$(wildcard $(2)/$(1).c $(2)/$(patsubst mig-%,%,$(1))-*.c)) $(LIB)
	@mkdir -p $(BINDIR)
	$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o,$$^) $(LIB) $$(LDLIBS)
endef
$(foreach s,$(STAGES),$(foreach t,$(notdir $(basename $(wildcard $(s)/mig-*.c))),$(eval $(call tool_rule,$(t),$(s)))))

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

deps:
	@sh tests/lib-deps.sh

# The whole suite: unit tests, then every bats file against throwaway
# PostgreSQL and MariaDB servers that tests/lib-servers.bash starts once.
check: deps all
	@sh tests/run.sh "$(BINDIR)" "$(BUILD)" $(TESTS)

check-san:
	$(MAKE) check SANITIZE=1

lint-man:
	@out=$$(mandoc -Tlint -Wwarning $(MAN) 2>&1); if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

# make demo PIPELINE=fitness: another pipeline's tour (medical by default)
PIPELINE = medical
demo: deps all
	@test -x pipelines/$(PIPELINE)/demo.sh || { echo "make demo: no pipeline '$(PIPELINE)' (pipelines/*/demo.sh)" >&2; exit 2; }
	@sh pipelines/$(PIPELINE)/demo.sh

bench: deps all
	@sh bench/run.sh

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man5 \
		$(DESTDIR)$(MANPREFIX)/man7 $(DESTDIR)$(BASHCOMPDIR)
	cp -f $(BIN) $(MIG) $(DESTDIR)$(PREFIX)/bin/
	for m in $(MAN); do cp -f $$m $(DESTDIR)$(MANPREFIX)/man$${m##*.}/; done
	cp -f $(COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/mig
	for t in $(TOOLS); do ln -sf mig $(DESTDIR)$(BASHCOMPDIR)/$$t; done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(PREFIX)/bin/$$t $(DESTDIR)$(MANPREFIX)/man1/$$t.1 $(DESTDIR)$(BASHCOMPDIR)/$$t; done
	for m in $(MAN); do rm -f $(DESTDIR)$(MANPREFIX)/man$${m##*.}/$${m##*/}; done
	rm -f $(DESTDIR)$(PREFIX)/bin/mig $(DESTDIR)$(BASHCOMPDIR)/mig

clean:
	rm -rf build bin

.PHONY: all deps check check-san lint-man demo bench install uninstall clean
