#!/usr/bin/env bash
# Debian packages the project needs beside its Python packages; installs the missing ones.
#   libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core  WeasyPrint renders invoices (HTML -> PDF)
#   postgresql-15                                     the test suite starts throw-away clusters
#   openjdk-17-jre-headless                           PySpark (the Spark backend of the traffic checks)
#   curl jq                                           docs/api.md's walkthrough is run as written by a test
#   poppler-utils                                     pdftotext reads the notice letters' PDFs back in tests
#   chromium                                          Playwright drives Debian's Chromium in the portal's browser tests
# Without root or apt-get it only reports what is missing: the suites that need a missing
# package skip with their reason.
set -euo pipefail
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core postgresql-15 curl jq poppler-utils chromium)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "warning: missing Debian packages (install them as root): ${missing[*]}" >&2
fi
