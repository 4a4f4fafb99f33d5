# The component list and which C file goes into which library, for the top
# Makefile (it includes this file).  Also runs alone, to check a tree or list
# its logic modules without configuring it:
#   make -s -f src/components/components.mk srcdir=TREE pv-components
#   make -s -f src/components/components.mk srcdir=TREE pv-logic-srcs
# Every mistake stops the build with the name of the directory or file.

# Our components, in PAPI's lookup order (they come before Debian's set, so
# unprefixed names reach them before a component with delayed init).  Every
# directory of src/components/ must be listed here.
PV_COMPONENT_ORDER := vmpower steal appio rapl_vm

pv_comp_dirs := $(patsubst $(srcdir)/src/components/%/,%,$(wildcard $(srcdir)/src/components/*/))
pv_unlisted := $(filter-out $(PV_COMPONENT_ORDER),$(pv_comp_dirs))
ifneq ($(pv_unlisted),)
$(error papi-virt: src/components/$(firstword $(pv_unlisted))/ is not in PV_COMPONENT_ORDER \
	(src/components/components.mk): add '$(firstword $(pv_unlisted))' there, or PAPI's build would silently leave it out)
endif
# A listed name without a directory is left out (a trimmed source tree).
PV_COMPONENTS := $(filter $(pv_comp_dirs),$(PV_COMPONENT_ORDER))

# pv_dir,NAME: the directory of a component; "pvshared" is src/shared (the
# name PAPI's build gives it).
pv_dir = $(if $(filter pvshared,$(1)),$(srcdir)/src/shared,$(srcdir)/src/components/$(1))
pv_list = $(call pv_dir,$(1))/Sources.$(1)

$(foreach c,$(PV_COMPONENTS),$(if $(wildcard $(srcdir)/src/components/$(c)/Rules.$(c)),,\
	$(error papi-virt: src/components/$(c)/Rules.$(c) is missing: PAPI's build needs it (copy another component's))))
$(foreach c,pvshared $(PV_COMPONENTS),$(if $(wildcard $(call pv_list,$(c))),,\
	$(error papi-virt: $(call pv_list,$(c)) is missing: it lists the component's C files by role)))
include $(foreach c,pvshared $(PV_COMPONENTS),$(call pv_list,$(c)))

# Each Sources.NAME sorts the directory's .c files into four lists:
#   NAME_LOGIC  PAPI-free modules: compiled into libpapi and into libpvlogic.a
#               (unit tests and utilities link that archive, never PAPI)
#   NAME_PAPI   libpapi only: the adapter (the only files that include PAPI's
#               headers) and libc interposers (in libpvlogic.a they would
#               interpose every unit test)
#   NAME_UTIL   PAPI-free modules only utilities use: libpvlogic.a only
#   NAME_OWN    built only by the rules of the directory's NAME.mk
# Rules.NAME (PAPI's build) compiles NAME_LOGIC and NAME_PAPI into libpapi
# through pv_component_rules (src/shared/Rules.pvshared).
pv_listed = $($(1)_LOGIC) $($(1)_PAPI) $($(1)_UTIL) $($(1)_OWN)
pv_present = $(notdir $(wildcard $(call pv_dir,$(1))/*.c))
pv_in_none = $(filter-out $(call pv_listed,$(1)),$(call pv_present,$(1)))
pv_absent = $(filter-out $(call pv_present,$(1)),$(call pv_listed,$(1)))
pv_twice = $(strip $(foreach f,$(sort $(call pv_listed,$(1))),$(if $(word 2,$(filter $(f),$(call pv_listed,$(1)))),$(f))))

$(foreach c,pvshared $(PV_COMPONENTS),\
	$(if $(call pv_in_none,$(c)),$(error papi-virt: $(call pv_dir,$(c))/$(firstword $(call pv_in_none,$(c))) is in no list of \
		$(call pv_list,$(c)): add it to $(c)_LOGIC, $(c)_PAPI, $(c)_UTIL or $(c)_OWN))\
	$(if $(call pv_absent,$(c)),$(error papi-virt: $(call pv_list,$(c)) lists $(firstword $(call pv_absent,$(c))), \
		which is not in $(call pv_dir,$(c))/))\
	$(if $(call pv_twice,$(c)),$(error papi-virt: $(call pv_list,$(c)) lists $(firstword $(call pv_twice,$(c))) twice)))

# libpvlogic.a: every component's (and src/shared's) LOGIC and UTIL files.
PV_LOGIC_SRCS := $(foreach c,pvshared $(PV_COMPONENTS),$(addprefix $(call pv_dir,$(c))/,$($(c)_LOGIC) $($(c)_UTIL)))

.PHONY: pv-components pv-logic-srcs
pv_goal := $(.DEFAULT_GOAL)
pv-components:
	@echo $(PV_COMPONENTS)
pv-logic-srcs:
	@printf '%s\n' $(PV_LOGIC_SRCS)
# Leaves the including Makefile's default goal alone.
.DEFAULT_GOAL := $(pv_goal)
