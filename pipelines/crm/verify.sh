#!/usr/bin/env bash
# verify.sh - checks.mig by mig-verify: validation_report.json,
# post_migration_checks.sql and report.html in the run directory.
. "$(dirname "$0")/lib.sh"
verify_main
